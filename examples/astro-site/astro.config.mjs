// Astro 5 runs on Node 20 and 22; Astro 6 and later need Node 22.12 or newer.
import { defineConfig } from 'astro/config';

export default defineConfig({});

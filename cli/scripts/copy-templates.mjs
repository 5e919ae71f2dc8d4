// Ships examples/blog inside the package as the `mimsy init --template blog` template.
import { cpSync, rmSync } from 'node:fs';
import path from 'node:path';

const here = path.dirname(new URL(import.meta.url).pathname);
const target = path.join(here, '..', 'templates', 'blog');
rmSync(target, { recursive: true, force: true });
cpSync(path.join(here, '..', '..', 'examples', 'blog'), target, { recursive: true });

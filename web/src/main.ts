// Entry of the admin: the shell with sign-in and dashboard; every other view loads on demand.
import './app/app.js';

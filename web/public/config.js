// Runtime settings of the admin. The web image rewrites this file at start from MIMSY_API_BASE;
// empty means "the API is on the same origin".
window.MIMSY_API_BASE = '';

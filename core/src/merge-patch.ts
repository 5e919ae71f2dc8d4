// JSON Merge Patch (RFC 7396), written from the RFC's own ten-line algorithm: the npm packages for
// it are unmaintained or pull in a JSON Patch library, and this is the whole of it.

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `target` with `patch` applied; neither argument is modified. */
export function mergePatch(target: unknown, patch: unknown): Record<string, unknown>;
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const result: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    // defineProperty: a key named "__proto__" is data, never the prototype.
    else
      Object.defineProperty(result, key, {
        value: mergePatch(result[key], value),
        enumerable: true,
        writable: true,
        configurable: true,
      });
  }
  return result;
}

import type { Issue } from '../errors.js';
import { isValidAssetPath, type ValidationContext } from './checks.js';
import type { AnyField, FieldTypeSpec } from './spec.js';

/** The check image and file fields share: a media path or an allowed URL, of an accepted type. */
function validateAsset(
  field: AnyField,
  value: unknown,
  at: string,
  issues: Issue[],
  c: ValidationContext,
): void {
  if (typeof value !== 'string' || !isValidAssetPath(value))
    return void issues.push({
      path: at,
      message: 'must be a media path like /media/2026/11/cover.jpg or an http(s) URL',
    });
  const host = /^https?:\/\//i.test(value) ? new URL(value).hostname.toLowerCase() : null;
  if (host !== null && c.mediaHosts && !c.mediaHosts.includes(host))
    return void issues.push({
      path: at,
      message: `points to another site (${host}): upload the file, or add "${host}" to media.allowedHosts in mimsy.config.json`,
    });
  if (field.accept?.length) {
    const ext = value.split('?')[0]!.split('.').pop()?.toLowerCase() ?? '';
    if (!field.accept.map((a) => a.toLowerCase().replace(/^\./, '')).includes(ext))
      issues.push({ path: at, message: `must be one of these file types: ${field.accept.join(', ')}` });
  }
}

/** A media file or URL (`accept`: allowed extensions), for an image or any file. */
export function assetField(type: 'image' | 'file'): FieldTypeSpec {
  return {
    type,
    keys: type === 'image' ? ['accept', 'alt'] : ['accept'],
    validate: validateAsset,
    tsType: () => 'string',
    tsDoc: () => type,
    widget: 'mimsy-media',
  };
}

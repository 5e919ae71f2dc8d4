/** Image files a browser shows (the media library's thumbnails, the image field's picker). */
const IMAGE = /\.(png|jpe?g|gif|webp|avif|svg)$/i;

export function isImage(url: string): boolean {
  return IMAGE.test(url);
}

/**
 * Whether a file suits a field: an image field takes images (of its `accept` extensions when it
 * names some), a file field any file (of its `accept` extensions when it names some).
 */
export function suits(field: { type: string; accept?: string[] }, url: string): boolean {
  const ext = url.split('.').pop()?.toLowerCase() ?? '';
  if (field.accept?.length) return field.accept.map((a) => a.toLowerCase().replace(/^\./, '')).includes(ext);
  return field.type !== 'image' || isImage(url);
}

/**
 * Whether an image or file value names a page bundle's own file (`cover.png`, as Hugo's page
 * resources are named) rather than a media path (`/media/…`) or a URL.
 */
export function isPageResource(value: string): boolean {
  return !value.startsWith('/') && !/^https?:/i.test(value);
}

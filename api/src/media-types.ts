/** Upload types allowed by default, recognised by their content (magic bytes), never by name. */
export interface MediaType {
  ext: string;
  mime: string;
}

const TYPES: Record<string, MediaType> = {
  png: { ext: 'png', mime: 'image/png' },
  jpg: { ext: 'jpg', mime: 'image/jpeg' },
  gif: { ext: 'gif', mime: 'image/gif' },
  webp: { ext: 'webp', mime: 'image/webp' },
  avif: { ext: 'avif', mime: 'image/avif' },
  svg: { ext: 'svg', mime: 'image/svg+xml' },
  pdf: { ext: 'pdf', mime: 'application/pdf' },
};

const starts = (bytes: Uint8Array, signature: number[], at = 0): boolean =>
  signature.every((b, i) => bytes[at + i] === b);
const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));

/** The type of an upload from its first bytes, or null when it is not an allowed type. */
export function sniffMediaType(bytes: Uint8Array): MediaType | null {
  if (starts(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return TYPES.png!;
  if (starts(bytes, [0xff, 0xd8, 0xff])) return TYPES.jpg!;
  if (starts(bytes, ascii('GIF87a')) || starts(bytes, ascii('GIF89a'))) return TYPES.gif!;
  if (starts(bytes, ascii('RIFF')) && starts(bytes, ascii('WEBP'), 8)) return TYPES.webp!;
  if (starts(bytes, ascii('ftypavif'), 4) || starts(bytes, ascii('ftypavis'), 4)) return TYPES.avif!;
  if (starts(bytes, ascii('%PDF-'))) return TYPES.pdf!;
  if (looksLikeSvg(bytes)) return TYPES.svg!;
  return null;
}

function looksLikeSvg(bytes: Uint8Array): boolean {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, 4096));
  } catch {
    return false;
  }
  // Optional BOM, XML declaration, comments and doctype before the <svg> root element.
  const head = text
    .replace(/^\uFEFF/, '')
    .replace(/^\s*(<\?xml[^>]*\?>\s*)?((<!--[\s\S]*?-->|<!DOCTYPE[^>]*>)\s*)*/i, '');
  return /^<svg[\s>]/i.test(head);
}

/** Content type for serving a stored media file, by its extension. */
export function mimeForPath(p: string): string {
  const ext = p.split('.').pop()?.toLowerCase() ?? '';
  if (ext === 'jpeg') return 'image/jpeg';
  const known = TYPES[ext]?.mime;
  if (known) return known;
  return (
    {
      txt: 'text/plain; charset=utf-8',
      mp4: 'video/mp4',
      webm: 'video/webm',
      mp3: 'audio/mpeg',
      ico: 'image/x-icon',
    }[ext] ?? 'application/octet-stream'
  );
}

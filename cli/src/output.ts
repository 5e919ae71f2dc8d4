/** Colour and progress only for people: a TTY, no NO_COLOR, not CI, not --json. */
export function useColor(stream: NodeJS.WriteStream = process.stdout): boolean {
  return Boolean(stream.isTTY) && !process.env.NO_COLOR && !process.env.CI;
}

const codes = { red: 31, green: 32, yellow: 33, dim: 2, bold: 1 } as const;
export function paint(
  color: keyof typeof codes,
  text: string,
  stream: NodeJS.WriteStream = process.stdout,
): string {
  return useColor(stream) ? `\x1b[${codes[color]}m${text}\x1b[0m` : text;
}

/** A one-line progress indicator on stderr (only on a TTY). */
export function progress(message: string): void {
  if (useColor(process.stderr)) process.stderr.write(`\r\x1b[K${message}`);
}

export function progressDone(): void {
  if (useColor(process.stderr)) process.stderr.write('\r\x1b[K');
}

/** Formats rows as aligned columns. */
export function table(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows
    .map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  '))
    .join('\n');
}

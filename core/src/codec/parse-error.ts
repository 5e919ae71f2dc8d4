/** A file that cannot be read as its format says, with the 1-based line of the problem when known. */
export class ParseError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(message);
    this.name = 'ParseError';
  }
}

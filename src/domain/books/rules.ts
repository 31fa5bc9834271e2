/**
 * Book names are file names inside the worker's `testing/` directory and in GitHub's books
 * repository (`<name>.zip`), so no path separators: letters, digits and `._+,-`, ending in
 * `.epd` or `.pgn` (the run schema's rule).
 */
const BOOK_NAME = /^[A-Za-z0-9][A-Za-z0-9._+,-]{0,200}\.(epd|pgn)$/;

/** Base64 of a SHA-384 digest: 48 bytes, 64 characters, no padding. */
const SRI = /^[0-9A-Za-z+/]{64}$/;
const SRI_PREFIX = 'sha384-';

export const isBookName = (name: string): boolean => BOOK_NAME.test(name);

/**
 * The sri as workers compare it: upstream's schema also accepts a `sha384-` prefix, but the
 * worker compares the bare base64, so the prefix is dropped here. Undefined when not an sri.
 */
export const normalizeSri = (sri: string): string | undefined => {
  const bare = sri.trim().startsWith(SRI_PREFIX) ? sri.trim().slice(SRI_PREFIX.length) : sri.trim();
  return SRI.test(bare) ? bare : undefined;
};

export const isPositionCount = (positions: number): boolean => Number.isSafeInteger(positions) && positions > 0;

export const BOOK_MESSAGES = {
  invalidName: (name: string) =>
    `Invalid book name ${JSON.stringify(name)}: it must end in .epd or .pgn and use only letters, digits and . _ + , -`,
  invalidPositions: (name: string) => `Invalid number of positions for book ${name}: a positive integer is needed`,
  invalidSri: (name: string) => `Invalid sri for book ${name}: the base64 SHA-384 of the book's text (64 characters) is needed`,
  alreadyRegistered: (name: string) => `Book ${name} is already registered`,
  unchanged: (name: string) => `Book ${name} is already registered with these positions and sri`,
  notRegistered: (name: string) => `Book ${name} is not registered`,
  duplicateInCatalogue: (name: string) => `Book ${name} appears twice in the catalogue`,
} as const;

import type { BookEntry } from '../../domain/books/commands.js';

export type CatalogueParse = { readonly ok: true; readonly books: BookEntry[] } | { readonly ok: false; readonly message: string };

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A book catalogue: an object keyed by book name whose entries carry the number of positions
 * and the sri. Both upstream's `books.json` (`{total, white, black, min_depth, max_depth, sri}`,
 * `total` being the positions) and this project's `{positions, sri}` are read; other fields are
 * ignored. Values are checked by the registry's rules when imported.
 */
export const parseBookCatalogue = (json: unknown): CatalogueParse => {
  if (!isRecord(json)) return { ok: false, message: 'a book catalogue must be a JSON object keyed by book name' };
  const books: BookEntry[] = [];
  for (const [name, entry] of Object.entries(json)) {
    if (!isRecord(entry)) return { ok: false, message: `entry ${JSON.stringify(name)} must be an object` };
    const positions = entry['positions'] ?? entry['total'];
    const sri = entry['sri'];
    if (typeof positions !== 'number') return { ok: false, message: `entry ${JSON.stringify(name)} needs a number "total" (or "positions")` };
    if (typeof sri !== 'string') return { ok: false, message: `entry ${JSON.stringify(name)} needs a string "sri"` };
    books.push({ name, positions, sri });
  }
  return { ok: true, books };
};

export const parseBookCatalogueText = (text: string): CatalogueParse => {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, message: `not JSON: ${err instanceof Error ? err.message : String(err)}` };
  }
  return parseBookCatalogue(json);
};

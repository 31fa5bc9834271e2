/**
 * The value a key column holds for a document: what `ifnull(json_extract(doc, '$.<path>'), -9e999)`
 * gives for the document's JSON, computed here so a write can tell which key columns it changes.
 * Missing and null fields become -Infinity (the SQL literal -9e999), booleans 1 and 0, objects and
 * arrays their JSON text.
 */
export type KeyValue = string | number;

const MISSING = Number.NEGATIVE_INFINITY;

const asJson = (value: unknown): unknown => {
  const toJSON = (value as { toJSON?: unknown } | null)?.toJSON;
  return typeof value === 'object' && value !== null && typeof toJSON === 'function' ? (toJSON as () => unknown).call(value) : value;
};

export const keyValueAt = (doc: unknown, segments: readonly string[]): KeyValue => {
  let value = asJson(doc);
  for (const segment of segments) {
    if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.hasOwn(value, segment)) return MISSING;
    value = asJson((value as Record<string, unknown>)[segment]);
  }
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
      // JSON has no NaN or infinities: JSON.stringify stores them as null.
      return Number.isFinite(value) ? value : MISSING;
    case 'boolean':
      return value ? 1 : 0;
    case 'object':
      return value === null ? MISSING : JSON.stringify(value);
    default:
      return MISSING;
  }
};

/**
 * Reserved names. Collection names accepted by ../query.ts start with a letter, so the
 * store's own collections, which start with `_`, can never collide with a read model.
 */
export const CHECKPOINTS_COLLECTION = '_checkpoints';
export const ALIASES_COLLECTION = '_aliases';

/**
 * A guarded delete leaves `{_id, _position, [TOMBSTONE_FIELD]: true}` instead of removing the
 * document, so the position guard survives the delete (see docs/read-store-mongo.md). Every read
 * filters tombstones out; the field is stripped from documents written by callers.
 */
export const TOMBSTONE_FIELD = '_tombstone';

/** Wraps an array that is an element of another array (see storedDoc.ts); never a field of a read model. */
export const NESTED_ARRAY_FIELD = '_nested_array';

export const notTombstone = { [TOMBSTONE_FIELD]: { $exists: false } } as const;

/** The index serving filters and sorts on `field`, with `_id` for the tie-break. */
export const indexNameOf = (field: string): string => `ix_${field}`;

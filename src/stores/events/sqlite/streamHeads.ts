import type { ReadStatements } from './statements.js';

/** Revision -1 means the stream has no events. */
export interface StreamHead {
  revision: number;
  position: number;
}

export interface StreamHeads {
  get(stream: string): StreamHead;
  set(stream: string, head: StreamHead): void;
  clear(): void;
}

const ABSENT: StreamHead = { revision: -1, position: 0 };

/**
 * Last revision of each stream, so the append hot path needs no SELECT. Only valid while this
 * connection is the only writer: the caller clears it when `PRAGMA data_version` moves, or
 * when a transaction that changed it rolls back.
 */
export function createStreamHeads(statements: ReadStatements, maxEntries: number): StreamHeads {
  const heads = new Map<string, StreamHead>();
  const remember = (stream: string, head: StreamHead): void => {
    if (heads.size >= maxEntries) evictOldest(heads, Math.ceil(maxEntries / 10));
    heads.set(stream, head);
  };
  return {
    get(stream) {
      const cached = heads.get(stream);
      if (cached) return cached;
      const head = statements.streamHead.get(stream) ?? ABSENT;
      remember(stream, head);
      return head;
    },
    set(stream, head) {
      if (heads.has(stream)) heads.set(stream, head);
      else remember(stream, head);
    },
    clear() {
      heads.clear();
    },
  };
}

function evictOldest(heads: Map<string, StreamHead>, count: number): void {
  let left = count;
  for (const key of heads.keys()) {
    if (left-- <= 0) break;
    heads.delete(key);
  }
}

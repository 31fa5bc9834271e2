/**
 * The events of a network stream (`nn-<name>`, e.g. `nn-nn-0123456789ab.nnue`). Every event names
 * the network and carries the domain time `at` (ISO-8601). The network file itself lives in the
 * blob store under its sha256; events only describe it.
 */
interface NetworkEventShape<Type extends string, Data> {
  readonly type: Type;
  readonly data: Readonly<Data & { name: string; at: string }>;
}

/** A user uploaded a network (upstream `/upload`: the `nns` document and the `upload_nn` action). */
export type NetworkUploaded = NetworkEventShape<'NetworkUploaded', { uploader: string; sha256: string; size: number }>;
/** The network became Stockfish master's default (upstream's `is_master` flag). */
export type NetworkPromoted = NetworkEventShape<'NetworkPromoted', { by: string }>;

export type NetworkEvent = NetworkUploaded | NetworkPromoted;
export type NetworkEventType = NetworkEvent['type'];

export const NETWORK_EVENT_TYPES: readonly NetworkEventType[] = ['NetworkUploaded', 'NetworkPromoted'];

export const NETWORK_STREAM_PREFIX = 'nn-';

export const networkStreamName = (name: string): string => `${NETWORK_STREAM_PREFIX}${name}`;

/** Upstream's network file names: `nn-` and the first 12 hex digits of the file's sha256. */
export const NETWORK_NAME_PATTERN = /^nn-[0-9a-f]{12}\.nnue$/;

export const isNetworkName = (name: string): boolean => NETWORK_NAME_PATTERN.test(name);

/** The name must start with the sha256 of the file (upstream checks `sha256[:12] == name[3:15]`). */
export const nameMatchesSha256 = (name: string, sha256: string): boolean =>
  isNetworkName(name) && sha256.toLowerCase().startsWith(name.slice(3, 15));

/**
 * Blob-store counter namespace of network downloads (the namespace of the network files too;
 * counters are separate from names): `/api/nn/<name>` increments `(NETWORK_DOWNLOADS_COUNTER,
 * name)`, and the networks list reads it, so a download appends no event.
 */
export const NETWORK_DOWNLOADS_COUNTER = 'nn';

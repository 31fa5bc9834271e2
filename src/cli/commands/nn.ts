import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { EventContext, EventStore, RecordedEvent } from '../../stores/events/port.js';
import { NO_STREAM } from '../../stores/events/port.js';
import { StreamNotFoundError, WrongExpectedVersionError } from '../../stores/events/errors.js';
import type { BlobStore } from '../../stores/blobs/port.js';
import { BlobNameTakenError } from '../../stores/blobs/errors.js';
import { openBlobStore } from '../../stores/blobs/fromUrl.js';
import type { NetworkEvent, NetworkPromoted, NetworkUploaded } from '../../domain/networks/events.js';
import {
  isNetworkName,
  nameMatchesSha256,
  NETWORK_DOWNLOADS_COUNTER,
  NETWORK_EVENT_TYPES,
  NETWORK_STREAM_PREFIX,
  networkStreamName,
} from '../../domain/networks/events.js';
import { toIso } from '../../domain/shared/time.js';
import { CommandFailedError, UsageError } from '../errors.js';
import { parseOptions } from '../parseOptions.js';
import { scanStreams } from '../scanStreams.js';
import type { CliCommand, CliCommandGroup, CliRuntime } from '../types.js';

/** Upstream's upload limit ("Network must be < 200MB"). */
export const MAX_NETWORK_BYTES = 200_000_000;
/** The blob namespace `/api/nn/<name>` serves from. */
export const NETWORK_BLOB_NAMESPACE = 'nn';

/** A network as its stream tells it. */
export interface NetworkRecord {
  name: string;
  uploader: string;
  sha256: string;
  size: number;
  uploadedAt: string;
  isMaster: boolean;
  /** Revision of the stream's last event. */
  revision: bigint;
}

const NETWORK_TYPES: ReadonlySet<string> = new Set(NETWORK_EVENT_TYPES);

const foldNetwork = (record: NetworkRecord | undefined, event: RecordedEvent): NetworkRecord | undefined => {
  if (!NETWORK_TYPES.has(event.type)) return record ? { ...record, revision: event.revision } : record;
  const network = { type: event.type, data: event.data } as NetworkEvent;
  if (network.type === 'NetworkUploaded') {
    const { name, uploader, sha256, size, at } = network.data;
    return { name, uploader, sha256, size, uploadedAt: at, isMaster: record?.isMaster ?? false, revision: event.revision };
  }
  return record ? { ...record, isMaster: true, revision: event.revision } : record;
};

/** The network named, from its stream; undefined when it was never uploaded. */
export const readNetwork = async (eventStore: EventStore, name: string): Promise<NetworkRecord | undefined> => {
  let events: RecordedEvent[];
  try {
    events = await eventStore.readStream(networkStreamName(name));
  } catch (err) {
    if (err instanceof StreamNotFoundError) return undefined;
    throw err;
  }
  return events.reduce<NetworkRecord | undefined>(foldNetwork, undefined);
};

/** Every network, from the `nn-` streams (two events or so per network). */
export const readNetworks = async (eventStore: EventStore): Promise<NetworkRecord[]> => {
  const records = new Map<string, NetworkRecord>();
  await scanStreams(eventStore, NETWORK_STREAM_PREFIX, (event) => {
    const name = event.streamId.slice(NETWORK_STREAM_PREFIX.length);
    const record = foldNetwork(records.get(name), event);
    if (record) records.set(name, record);
  });
  return [...records.values()];
};

const openBlobs = async (runtime: CliRuntime): Promise<BlobStore> => {
  const blobs = await openBlobStore({ url: runtime.config.blobStoreUrl });
  runtime.onClose(() => blobs.close());
  return blobs;
};

const sha256OfFile = (file: string): Promise<string> =>
  new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });

export interface UploadedNetwork {
  name: string;
  sha256: string;
  size: number;
}

/**
 * Upstream's `/upload` for a file on disk: the name must be `nn-<first 12 hex of the sha256>.nnue`,
 * the file smaller than 200 MB and the network new. The bytes go to the blob store first (under
 * the name, in `create` mode), then `NetworkUploaded` is appended, so no event ever names bytes
 * that are not stored. A name already pointing at the same bytes (an earlier attempt that
 * stopped before its event) is taken as is.
 */
export const uploadNetwork = async (
  input: { file: string; name?: string },
  deps: { eventStore: EventStore; blobs: BlobStore; context: EventContext; now: number },
): Promise<UploadedNetwork> => {
  let size: number;
  try {
    const info = await stat(input.file);
    if (!info.isFile()) throw new Error('not a file');
    size = info.size;
  } catch (err) {
    throw new CommandFailedError(`cannot read ${input.file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (size >= MAX_NETWORK_BYTES) throw new CommandFailedError('Network must be < 200MB');
  const sha256 = await sha256OfFile(input.file);
  const base = path.basename(input.file);
  const name = input.name ?? (isNetworkName(base) ? base : `nn-${sha256.slice(0, 12)}.nnue`);
  if (!isNetworkName(name)) throw new CommandFailedError('Name must match "nn-[SHA256 first 12 digits].nnue"');
  if (!nameMatchesSha256(name, sha256)) throw new CommandFailedError(`Wrong SHA256 hash: ${sha256.slice(0, 12)} Filename: ${name.slice(3, 15)}`);
  const { eventStore, blobs } = deps;
  if (await readNetwork(eventStore, name)) throw new CommandFailedError(`Network ${name} already exists`);

  await blobs.put(createReadStream(input.file), { expectedSha256: sha256, maxBytes: MAX_NETWORK_BYTES });
  try {
    await blobs.setName(NETWORK_BLOB_NAMESPACE, name, sha256, { uploader: deps.context.actor }, { mode: 'create' });
  } catch (err) {
    if (!(err instanceof BlobNameTakenError) || err.existingSha256 !== sha256) {
      if (err instanceof BlobNameTakenError) throw new CommandFailedError(`Network ${name} already uploaded`);
      throw err;
    }
  }
  const event: NetworkUploaded = { type: 'NetworkUploaded', data: { name, at: toIso(deps.now), uploader: deps.context.actor, sha256, size } };
  try {
    await eventStore.append(networkStreamName(name), [{ ...event, metadata: deps.context }], NO_STREAM);
  } catch (err) {
    if (err instanceof WrongExpectedVersionError) throw new CommandFailedError(`Network ${name} already exists`);
    throw err;
  }
  return { name, sha256, size };
};

/** Marks a network as Stockfish master's default (upstream's `is_master`); false when it already was. */
export const promoteNetwork = async (eventStore: EventStore, name: string, context: EventContext, now: number): Promise<boolean> => {
  for (let attempt = 1; ; attempt += 1) {
    const record = await readNetwork(eventStore, name);
    if (!record) throw new CommandFailedError(`Network ${name} does not exist`);
    if (record.isMaster) return false;
    const event: NetworkPromoted = { type: 'NetworkPromoted', data: { name, at: toIso(now), by: context.actor } };
    try {
      await eventStore.append(networkStreamName(name), [{ ...event, metadata: context }], record.revision);
      return true;
    } catch (err) {
      // Another writer changed the stream meanwhile: read it again.
      if (!(err instanceof WrongExpectedVersionError) || attempt >= 3) throw err;
    }
  }
};

const upload: CliCommand = {
  name: 'upload',
  usage: '<file> [--name nn-xxxxxxxxxxxx.nnue]',
  summary: 'Store a network file and record its upload (workers then download it from /api/nn/<name>)',
  details: [
    'The name must be "nn-" followed by the first 12 hex digits of the file\'s sha256 and ".nnue";',
    'without --name, the file name is used when it has that form, else the name is derived from the sha256.',
    'Files of 200 MB or more are refused, as upstream does. The uploader is the --as actor.',
  ],
  async run(argv, runtime) {
    const { values, positionals } = parseOptions(argv, { name: { type: 'string' } }, { names: ['file'] });
    const eventStore = await runtime.eventStore();
    const blobs = await openBlobs(runtime);
    const uploaded = await uploadNetwork(
      { file: positionals[0] ?? '', ...(values.name === undefined ? {} : { name: values.name }) },
      { eventStore, blobs, context: runtime.eventContext(), now: runtime.now() },
    );
    runtime.io.out(`Uploaded ${uploaded.name} (${uploaded.size} bytes, sha256 ${uploaded.sha256})`);
  },
};

const promote: CliCommand = {
  name: 'promote',
  usage: '<name>',
  summary: "Mark a network as Stockfish master's default net",
  async run(argv, runtime) {
    const { positionals } = parseOptions(argv, {}, { names: ['name'] });
    const name = positionals[0] ?? '';
    if (!isNetworkName(name)) throw new UsageError(`${JSON.stringify(name)} is not a network name (nn-xxxxxxxxxxxx.nnue)`);
    const promoted = await promoteNetwork(await runtime.eventStore(), name, runtime.eventContext(), runtime.now());
    if (!promoted) throw new CommandFailedError(`Network ${name} is already marked as master`);
    runtime.io.out(`Promoted ${name} to master`);
  },
};

const list: CliCommand = {
  name: 'list',
  usage: '[--master] [--json]',
  summary: 'List the uploaded networks, newest first, with their download counts',
  details: ['--master lists only master nets; --json prints an array.'],
  async run(argv, runtime) {
    const { values } = parseOptions(argv, { master: { type: 'boolean' }, json: { type: 'boolean' } }, { names: [] });
    const networks = (await readNetworks(await runtime.eventStore()))
      .filter((network) => values.master !== true || network.isMaster)
      .sort((a, b) => b.uploadedAt.localeCompare(a.uploadedAt) || a.name.localeCompare(b.name));
    const blobs = await openBlobs(runtime);
    const rows = await Promise.all(
      networks.map(async ({ revision: _revision, ...network }) => ({
        ...network,
        downloads: await blobs.getCounter(NETWORK_DOWNLOADS_COUNTER, network.name),
      })),
    );
    if (values.json) {
      runtime.io.out(JSON.stringify(rows, null, 2));
      return;
    }
    if (rows.length === 0) {
      runtime.io.out('No networks.');
      return;
    }
    const table = [
      ['NAME', 'USER', 'SIZE', 'UPLOADED', 'MASTER', 'DOWNLOADS'],
      ...rows.map((row) => [row.name, row.uploader, String(row.size), row.uploadedAt, row.isMaster ? 'yes' : 'no', String(row.downloads)]),
    ];
    const widths = table[0]!.map((_, column) => Math.max(...table.map((row) => row[column]!.length)));
    for (const row of table) runtime.io.out(row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd());
  },
};

export const nnGroup: CliCommandGroup = {
  name: 'nn',
  summary: 'Networks: upload a file, mark a master net, list',
  commands: [upload, promote, list],
};

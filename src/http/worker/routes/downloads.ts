import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { BlobStore, NamedBlob } from '../../../stores/blobs/port.js';
import type { WorkerApiDeps } from '../deps.js';
import { BLOB_NAMESPACES } from '../deps.js';
import { WorkerApiError } from '../envelope.js';

const NETWORK_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,255}$/;
const PGN_ID = '[A-Za-z0-9]+-\\d+';
const RUN_ID = '[A-Za-z0-9]+';
const PGN_NAME = new RegExp(`^(${PGN_ID})\\.pgn$`);
const RUN_PGNS_NAME = new RegExp(`^(${RUN_ID})\\.pgn\\.gz$`);

/** The path parameters as the OpenAPI document names them (`/api/pgn/{id}.pgn`); anything else is a 404. */
export const downloadParams = {
  network: z.object({ name: z.string().regex(NETWORK_NAME).describe('Network file name, e.g. nn-0000000000a0.nnue') }),
  pgn: z.object({ id: z.string().regex(new RegExp(`^${PGN_ID}$`)).describe('<runId>-<taskId>') }),
  runPgns: z.object({ id: z.string().regex(new RegExp(`^${RUN_ID}$`)).describe('Run id') }),
};

const notFound = (): WorkerApiError => new WorkerApiError(404, 'No data found');

/** The blobs one after another, as one stream (joined gzip members are one valid gzip file). */
const concatenated = (blobs: BlobStore, entries: readonly NamedBlob[]): Readable =>
  Readable.from(
    (async function* () {
      for (const entry of entries) {
        const stream = await blobs.openRead(entry.sha256);
        if (stream === null) throw new Error(`blob ${entry.sha256} of ${entry.name} is missing`);
        yield* stream;
      }
    })(),
  );

/**
 * The downloads workers and users make: network files (`/api/nn/<name>`, counted), one task's
 * PGN (`/api/pgn/<runId>-<taskId>.pgn`) and all the PGNs of a run (`/api/run_pgns/<runId>.pgn.gz`).
 */
export const registerDownloads = (app: FastifyInstance, deps: WorkerApiDeps): void => {
  const { blobs } = deps;

  app.get<{ Params: { name: string } }>('/api/nn/:name', async (request, reply) => {
    const { name } = request.params;
    if (!NETWORK_NAME.test(name)) throw notFound();
    const entry = await blobs.getName(BLOB_NAMESPACES.network, name);
    if (entry === null) throw notFound();
    await blobs.incrementCounter(BLOB_NAMESPACES.network, name);
    if (deps.nnUrl !== undefined) return reply.redirect(`${deps.nnUrl}/nn/${encodeURIComponent(name)}`, 302);
    const stream = await blobs.openRead(entry.sha256);
    if (stream === null) throw notFound();
    return reply
      .header('content-type', 'application/octet-stream')
      .header('content-length', String(entry.size))
      .header('content-disposition', `attachment; filename="${name}"`)
      .send(stream);
  });

  app.get<{ Params: { name: string } }>('/api/pgn/:name', async (request, reply) => {
    const id = PGN_NAME.exec(request.params.name)?.[1];
    if (id === undefined) throw notFound();
    const entry = await blobs.getName(BLOB_NAMESPACES.pgn, id);
    if (entry === null) throw notFound();
    const stream = await blobs.openRead(entry.sha256);
    if (stream === null) throw notFound();
    return reply
      .header('content-type', 'application/gzip')
      .header('content-encoding', 'gzip')
      .header('content-length', String(entry.size))
      .send(stream);
  });

  app.get<{ Params: { name: string } }>('/api/run_pgns/:name', async (request, reply) => {
    const runId = RUN_PGNS_NAME.exec(request.params.name)?.[1];
    if (runId === undefined) throw notFound();
    const taskOf = (entry: NamedBlob): number => Number(entry.name.slice(runId.length + 1));
    const entries = (await blobs.listNames(BLOB_NAMESPACES.pgn, { prefix: `${runId}-` }))
      .filter((entry) => /^\d+$/.test(entry.name.slice(runId.length + 1)))
      .sort((a, b) => taskOf(a) - taskOf(b));
    if (entries.length === 0) throw notFound();
    const size = entries.reduce((total, entry) => total + entry.size, 0);
    return reply
      .header('content-type', 'application/gzip')
      .header('content-length', String(size))
      .header('content-disposition', `attachment; filename="${runId}.pgn.gz"`)
      .send(concatenated(blobs, entries));
  });
};

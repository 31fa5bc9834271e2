import type { RunService } from '../../commands/runs/index.js';
import type { BlobStore } from '../../stores/blobs/port.js';

export type AuthenticationResult =
  | { ok: true; user: { username: string; groups: readonly string[] } }
  | { ok: false; code: string; message: string };

/** What the worker API needs from the rest of the application. */
export interface WorkerApiDeps {
  authenticate(username: string, password: string): Promise<AuthenticationResult>;
  runs: RunService;
  blobs: BlobStore;
  /** `/api/nn/<name>` redirects to `${nnUrl}/nn/<name>` when set, else sends the bytes. */
  nnUrl?: string;
  /**
   * False in processes other than the primary: the nine protocol endpoints then answer 503
   * "primary instance required" (as upstream's secondaries do); downloads are still served.
   */
  serveProtocol?: boolean;
}

/** The nine POST endpoints of the worker protocol. */
export const WORKER_PROTOCOL_PATHS = [
  '/api/request_version',
  '/api/request_task',
  '/api/update_task',
  '/api/beat',
  '/api/request_spsa',
  '/api/failed_task',
  '/api/stop_run',
  '/api/upload_pgn',
  '/api/worker_log',
] as const;

/** Blob store namespaces (see docs/blob-store.md). */
export const BLOB_NAMESPACES = { pgn: 'pgn', network: 'nn' } as const;

/** The protocol version of the worker this server speaks to; never advertise more. */
export const WORKER_VERSION = 325;

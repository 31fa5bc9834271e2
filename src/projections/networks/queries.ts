import { NETWORK_DOWNLOADS_COUNTER } from '../../domain/networks/events.js';
import type { BlobStore } from '../../stores/blobs/port.js';
import type { Where } from '../../stores/documents/port.js';
import type { ReadModels } from '../readModels.js';
import { NETWORKS, type NetworkDocument } from './networksProjection.js';

export interface NetworkListing extends NetworkDocument {
  /** From the blob store's download counter; null when no blob store was given. */
  downloads: number | null;
}

export interface NetworkQuery {
  /** Case-insensitive substring of the name or the uploader. */
  text?: string;
  masterOnly?: boolean;
  skip?: number;
  limit?: number;
}

/** Networks newest first (upstream `/nns`), with their download counts read at query time. */
export const listNetworks = async (
  readModels: ReadModels,
  query: NetworkQuery = {},
  blobStore?: Pick<BlobStore, 'getCounter'>,
): Promise<{ networks: NetworkListing[]; total: number }> => {
  const collection = readModels.collection<NetworkDocument>(NETWORKS);
  const where: Where = query.masterOnly ? { is_master: true } : {};
  const text = query.text === undefined || query.text === '' ? {} : { text: query.text };
  const [docs, total] = await Promise.all([
    collection.find({
      where,
      ...text,
      sort: { field: 'uploaded_at', order: 'desc' },
      skip: query.skip ?? 0,
      limit: query.limit ?? 25,
    }),
    collection.count({ where, ...text }),
  ]);
  const networks = await Promise.all(
    docs.map(async (doc) => ({
      ...doc,
      downloads: blobStore ? await blobStore.getCounter(NETWORK_DOWNLOADS_COUNTER, doc.name) : null,
    })),
  );
  return { networks, total };
};

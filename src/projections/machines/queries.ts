import type { ReadModels } from '../readModels.js';
import { MACHINES, type MachineDocument } from './machinesProjection.js';

/** Upstream's cap on the machines list (500 a page, the whole fleet in memory). */
export const MAX_MACHINES = 10_000;

export interface MachinesQuery {
  /** Case-insensitive substring of the worker name, branch, OS, arch or compiler. */
  text?: string;
  username?: string;
  skip?: number;
  limit?: number;
}

/** Active workers, most recently active first. */
export const listMachines = async (readModels: ReadModels, query: MachinesQuery = {}): Promise<MachineDocument[]> =>
  readModels.collection<MachineDocument>(MACHINES).find({
    ...(query.username === undefined ? {} : { where: { username: query.username } }),
    ...(query.text === undefined || query.text === '' ? {} : { text: query.text }),
    sort: { field: 'last_updated', order: 'desc' },
    skip: query.skip ?? 0,
    limit: query.limit ?? MAX_MACHINES,
  });

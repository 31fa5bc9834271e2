import { describe, expect, it } from 'vitest';
import { isNetworkName, nameMatchesSha256, networkStreamName, NETWORK_DOWNLOADS_COUNTER } from '../../src/domain/networks/events.js';
import { NETWORKS, networksProjection, type NetworkDocument } from '../../src/projections/networks/networksProjection.js';
import { listNetworks } from '../../src/projections/networks/queries.js';
import type { ReadModels } from '../../src/projections/readModels.js';
import type { Doc, DocumentCollection, FindQuery } from '../../src/stores/documents/port.js';
import { docOf, docsOf, projectInMemory } from '../http/public/support/projectInMemory.js';
import { recordAll } from '../http/public/support/recordedEvents.js';
import { buildScenario, NET, RUN_PENDING, RUN_SPRT } from '../http/public/support/runScenario.js';

describe('networks read model', () => {
  const scenario = buildScenario();
  const state = projectInMemory([networksProjection], recordAll(scenario.events));

  it('keeps one document per uploaded network, with uploader, digest, size and master flag', () => {
    expect(docOf(state, NETWORKS, NET)).toMatchObject({
      name: NET,
      user: 'owner',
      sha256: `1111111111aa${'0'.repeat(52)}`,
      size: 1234,
      uploaded_at: '2026-11-01T11:20:00.000Z',
      is_master: true,
    });
    expect(docOf(state, NETWORKS, 'nn-2222222222bb.nnue')).toMatchObject({ user: 'bob', is_master: false });
    expect(docOf(state, NETWORKS, NET)).not.toHaveProperty('downloads');
  });

  it('records the first and the last run that tested a network', () => {
    const net = docOf(state, NETWORKS, NET) as NetworkDocument;
    expect(net.first_test).toEqual({ id: RUN_SPRT, date: '2026-11-01T12:00:00.000Z' });
    expect(net.last_test).toEqual({ id: RUN_PENDING, date: '2026-11-01T12:03:00.000Z' });
    expect(docOf(state, NETWORKS, 'nn-2222222222bb.nnue')).not.toHaveProperty('first_test');
  });

  it('leaves unknown networks alone and ignores promotions of them', () => {
    const only = projectInMemory(
      [networksProjection],
      recordAll([{ type: 'NetworkPromoted', data: { name: 'nn-333333333333.nnue', by: 'x', at: '2026-11-01T00:00:00.000Z' } }]),
    );
    expect(docsOf(only, NETWORKS)).toEqual([]);
  });

  it('names streams and checks names as upstream does', () => {
    expect(networkStreamName(NET)).toBe(`nn-${NET}`);
    expect(isNetworkName(NET)).toBe(true);
    expect(isNetworkName('nn-1111111111AA.nnue')).toBe(false);
    expect(nameMatchesSha256(NET, `1111111111AA${'f'.repeat(52)}`)).toBe(true);
    expect(nameMatchesSha256(NET, `2111111111aa${'f'.repeat(52)}`)).toBe(false);
  });

  it('lists networks with download counts read from the blob store at query time', async () => {
    const docs = docsOf(state, NETWORKS) as NetworkDocument[];
    let lastQuery: FindQuery | undefined;
    const collection = {
      find: async (query?: FindQuery) => {
        lastQuery = query;
        return docs;
      },
      count: async () => docs.length,
    } as unknown as DocumentCollection<Doc>;
    const readModels: ReadModels = { collection: <T extends Doc>() => collection as unknown as DocumentCollection<T> };
    const counters = new Map([[`${NETWORK_DOWNLOADS_COUNTER}/${NET}`, 7]]);
    const blobStore = { getCounter: async (namespace: string, name: string) => counters.get(`${namespace}/${name}`) ?? 0 };
    const { networks, total } = await listNetworks(readModels, { masterOnly: true, text: 'owner' }, blobStore);
    expect(total).toBe(2);
    expect(networks.map((n) => [n.name, n.downloads])).toEqual([
      [NET, 7],
      ['nn-2222222222bb.nnue', 0],
    ]);
    expect(lastQuery).toMatchObject({ where: { is_master: true }, text: 'owner', sort: { field: 'uploaded_at', order: 'desc' } });
    const without = await listNetworks(readModels);
    expect(without.networks[0]?.downloads).toBeNull();
  });
});

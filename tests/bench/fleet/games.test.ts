import { describe, expect, it } from 'vitest';
import { batchGames, gamesOf, playPairs, zeroResults } from '../../../bench/fleet/games.js';
import { isValidResults } from '../../../src/domain/shared/results.js';
import { seededRandom } from '../../support/seededRandom.js';

describe('fleet benchmark games', () => {
  it('plays cumulative results the server accepts after every batch', () => {
    const random = seededRandom(11);
    let results = zeroResults();
    for (let batch = 0; batch < 200; batch += 1) {
      const next = playPairs(results, 1 + Math.floor(random() * 16), random);
      expect(isValidResults(next)).toBe(true);
      expect(gamesOf(next)).toBeGreaterThan(gamesOf(results));
      // Cumulative: no count ever goes down.
      for (const key of ['wins', 'losses', 'draws'] as const) expect(next[key]).toBeGreaterThanOrEqual(results[key]);
      next.pentanomial.forEach((pairs, n) => expect(pairs).toBeGreaterThanOrEqual(results.pentanomial[n]!));
      results = next;
    }
  });

  it('sends an update per SPRT batch, and per four games a slot on fixed-games runs scaled to LTC length', () => {
    expect(batchGames({ tc: '10+0.1', threads: 1, sprt: { batch_size: 8 } }, 8)).toBe(16);
    expect(batchGames({ tc: '60+0.6', threads: 1 }, 8)).toBe(32);
    expect(batchGames({ tc: '10+0.1', threads: 1 }, 8)).toBeGreaterThan(batchGames({ tc: '60+0.6', threads: 1 }, 8));
    expect(batchGames({ tc: '60+0.6', threads: 8 }, 4)).toBe(4);
  });
});

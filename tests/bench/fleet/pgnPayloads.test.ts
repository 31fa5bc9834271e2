import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createPgnPayloads } from '../../../bench/fleet/pgnPayloads.js';

describe('fleet benchmark PGN payloads', () => {
  it('are base64 bytes of one gzip file near the target size per game, prepared once per size', () => {
    const payloads = createPgnPayloads(1000);
    const payload = payloads.payload(100);
    const gzip = Buffer.from(payload.toString('latin1'), 'base64');
    expect(gzip.length).toBeGreaterThan(70_000);
    expect(gzip.length).toBeLessThan(130_000);
    expect(gunzipSync(gzip).toString('utf8')).toMatch(/^\[Event "Fishtest fleet benchmark"\]/);
    expect(payloads.payload(100)).toBe(payload);
  });
});

import { describe, expect, it } from 'vitest';
import { DEFAULT_SCRYPT_PARAMS, hashPassword, isPasswordHash, verifyPassword } from '../../../src/commands/users/passwordHash.js';

const CHEAP = { log2N: 4, r: 1, p: 1 };

describe('password hashes', () => {
  it('verifies the password it was made from and nothing else', async () => {
    const stored = await hashPassword('lantern-fog-19', CHEAP);
    expect(await verifyPassword(stored, 'lantern-fog-19')).toBe(true);
    expect(await verifyPassword(stored, 'lantern-fog-18')).toBe(false);
    expect(await verifyPassword(stored, '')).toBe(false);
  });

  it('stores its parameters and a random salt, and never the password', async () => {
    const first = await hashPassword('lantern-fog-19', CHEAP);
    const second = await hashPassword('lantern-fog-19', CHEAP);
    expect(first).not.toBe(second);
    expect(first).toMatch(/^scrypt\$4\$1\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(first).not.toContain('lantern');
    expect(isPasswordHash(first)).toBe(true);
  });

  it('verifies with the parameters stored in the hash, not the current default', async () => {
    const stronger = await hashPassword('lantern-fog-19', { log2N: 5, r: 2, p: 1 });
    expect(stronger.startsWith('scrypt$5$2$1$')).toBe(true);
    expect(await verifyPassword(stronger, 'lantern-fog-19')).toBe(true);
  });

  it('treats the same text in composed or decomposed Unicode as one password', async () => {
    const stored = await hashPassword('caf\u00e9-latte-12', CHEAP);
    expect(await verifyPassword(stored, 'cafe\u0301-latte-12')).toBe(true);
  });

  it.each(['', 'plaintext', 'scrypt$4$1$1$c2FsdA', 'bcrypt$4$1$1$c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5', 'scrypt$40$1$1$c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5', 'scrypt$4$0$1$c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5'])(
    'answers false for the malformed or unbounded stored value %j',
    async (stored) => {
      expect(isPasswordHash(stored)).toBe(false);
      expect(await verifyPassword(stored, 'anything')).toBe(false);
    },
  );

  it('uses the interactive-login cost by default', async () => {
    expect(DEFAULT_SCRYPT_PARAMS).toEqual({ log2N: 14, r: 8, p: 1 });
    const stored = await hashPassword('lantern-fog-19');
    expect(stored.startsWith('scrypt$14$8$1$')).toBe(true);
    expect(await verifyPassword(stored, 'lantern-fog-19')).toBe(true);
  });
});

import { hash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { EventStore } from '../../stores/events/port.js';
import { isValidUsername } from '../../domain/users/rules.js';
import { verifyPassword as scryptVerify } from './passwordHash.js';
import type { UserDirectory } from './userDirectory.js';
import { createUserDirectory } from './userDirectory.js';

export { createUserCommands } from './userCommands.js';
export type { UserCommands, UserCommandsOptions } from './userCommands.js';

export type AuthFailureCode = 'invalid_credentials' | 'blocked' | 'pending';

export type AuthResult =
  | { ok: true; user: { username: string; groups: readonly string[] } }
  | { ok: false; code: AuthFailureCode; message: string };

/** Upstream's wording; the same message for an unknown user and a wrong password. */
export const AUTH_MESSAGES: Readonly<Record<AuthFailureCode, string>> = {
  invalid_credentials: 'Invalid username or password.',
  blocked: 'Your account is blocked.',
  pending: 'Your account is pending approval.',
};

export interface Authenticator {
  authenticate(username: string, password: string): Promise<AuthResult>;
  /** Resolves once the accounts written before start-up are known. */
  ready(): Promise<void>;
  /** Stops following the user streams (and closes the directory when it created it). */
  close(): Promise<void>;
}

export interface AuthenticatorOptions {
  eventStore: EventStore;
  /** A directory shared with other services; one that follows the user streams is created when absent. */
  directory?: UserDirectory;
  /** How long a verified password is trusted without scrypt (upstream caches user lookups 120 s). */
  cacheTtlMs?: number;
  /** Least recently verified accounts beyond this many are forgotten. */
  maxCachedAccounts?: number;
  now?: () => number;
  /** The slow check; replaceable so tests can count calls. */
  verifyPassword?: (storedHash: string, password: string) => Promise<boolean>;
  onError?: (error: unknown) => void;
}

interface Verified {
  /** The stored hash the password was checked against: a password change makes the entry useless. */
  passwordHash: string;
  /** Keyed digest of the password under a secret that never leaves this process; the password itself is not kept. */
  passwordKey: Buffer;
  expiresAt: number;
}

const failure = (code: AuthFailureCode): AuthResult => ({ ok: false, code, message: AUTH_MESSAGES[code] });

/**
 * Checks worker and login credentials against the `user-` streams.
 *
 * Design: account state (blocked, pending, groups, current password hash) comes from an
 * in-memory directory that follows the user streams, so it is as fresh as the subscription and
 * is read on every call. Only the expensive part, scrypt, is cached: a successful verification is
 * remembered for `cacheTtlMs` as (stored hash, keyed digest of the password). A later call skips
 * scrypt only when the account still has that same stored hash and the digests match, so a password
 * change invalidates the entry by itself, and a block or a revoked group applies at once.
 * Concurrent checks of the same password (many workers of one account reconnecting) share one
 * scrypt run.
 */
export const createAuthenticator = (options: AuthenticatorOptions): Authenticator => {
  const ownsDirectory = options.directory === undefined;
  const directory =
    options.directory ??
    createUserDirectory({ eventStore: options.eventStore, ...(options.onError ? { onError: options.onError } : {}) });
  const ttlMs = options.cacheTtlMs ?? 120_000;
  const maxCached = options.maxCachedAccounts ?? 100_000;
  const now = options.now ?? Date.now;
  const verify = options.verifyPassword ?? scryptVerify;
  const secret = `${randomBytes(32).toString('hex')}\u0000`;
  const verified = new Map<string, Verified>();
  const inFlight = new Map<string, Promise<boolean>>();

  // A fixed-length secret prefix is enough for an equality check against our own earlier digest (no
  // length extension can matter here), and the one-shot hash costs a third of an HMAC object per call.
  const keyed = (password: string): Buffer => hash('sha256', secret + password, 'buffer');

  const remember = (key: string, entry: Verified): void => {
    verified.delete(key);
    verified.set(key, entry);
    while (verified.size > maxCached) {
      const oldest = verified.keys().next().value;
      if (oldest === undefined) break;
      verified.delete(oldest);
    }
  };

  const forgetOnChange = directory.onChange((account, event) => {
    if (event.type === 'PasswordChanged' || event.type === 'UserBlocked') verified.delete(account.username.toLowerCase());
  });

  const passwordMatches = async (key: string, passwordHash: string, password: string): Promise<boolean> => {
    const passwordKey = keyed(password);
    const cached = verified.get(key);
    if (cached && cached.passwordHash === passwordHash && now() < cached.expiresAt && timingSafeEqual(cached.passwordKey, passwordKey)) {
      return true;
    }
    const flightKey = `${passwordHash}\u0000${passwordKey.toString('base64')}`;
    let pending = inFlight.get(flightKey);
    if (!pending) {
      pending = verify(passwordHash, password).finally(() => inFlight.delete(flightKey));
      inFlight.set(flightKey, pending);
    }
    const ok = await pending;
    if (ok) remember(key, { passwordHash, passwordKey, expiresAt: now() + ttlMs });
    return ok;
  };

  return {
    async authenticate(username, password) {
      if (typeof username !== 'string' || typeof password !== 'string' || !isValidUsername(username)) {
        return failure('invalid_credentials');
      }
      const account = await directory.lookup(username);
      // Names are unique case-insensitively, but a login must use the registered spelling.
      if (!account || account.username !== username) return failure('invalid_credentials');
      const key = username.toLowerCase();
      if (!(await passwordMatches(key, account.passwordHash, password))) return failure('invalid_credentials');
      // The account may have changed while scrypt ran.
      const current = directory.get(username) ?? account;
      if (current.passwordHash !== account.passwordHash) return failure('invalid_credentials');
      if (current.blocked) return failure('blocked');
      if (current.pending) return failure('pending');
      return { ok: true, user: { username: current.username, groups: current.groups } };
    },
    ready: () => directory.ready(),
    async close() {
      forgetOnChange();
      verified.clear();
      if (ownsDirectory) await directory.close();
    },
  };
};

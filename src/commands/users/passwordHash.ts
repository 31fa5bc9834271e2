import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Passwords are stored as `scrypt$<log2 N>$<r>$<p>$<salt>$<key>` (salt and key in base64url),
 * so the cost can be raised later without breaking the hashes already stored.
 */
export interface ScryptParams {
  /** CPU/memory cost N = 2^log2N. */
  log2N: number;
  /** Block size. */
  r: number;
  /** Parallelism. */
  p: number;
}

/** The scrypt paper's interactive-login cost: 16 MiB and a few tens of milliseconds per hash. */
export const DEFAULT_SCRYPT_PARAMS: ScryptParams = { log2N: 14, r: 8, p: 1 };

const SALT_BYTES = 16;
const KEY_BYTES = 32;
const SCHEME = 'scrypt';
// Bounds on what a stored hash may ask for, so a corrupt record cannot exhaust memory.
const MAX_LOG2N = 20;
const MAX_R = 32;
const MAX_P = 16;

const derive = (password: string, salt: Buffer, params: ScryptParams, keyBytes: number): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const N = 2 ** params.log2N;
    // Node refuses by default when 128·N·r reaches 32 MiB; allow what these parameters need.
    const maxmem = 256 * N * params.r + 1024 * 1024;
    scrypt(password.normalize('NFC'), salt, keyBytes, { N, r: params.r, p: params.p, maxmem }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });

export const hashPassword = async (password: string, params: ScryptParams = DEFAULT_SCRYPT_PARAMS): Promise<string> => {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, params, KEY_BYTES);
  return [SCHEME, params.log2N, params.r, params.p, salt.toString('base64url'), key.toString('base64url')].join('$');
};

interface ParsedHash {
  params: ScryptParams;
  salt: Buffer;
  key: Buffer;
}

const parseHash = (stored: string): ParsedHash | null => {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== SCHEME) return null;
  const [log2N, r, p] = parts.slice(1, 4).map((part) => (/^\d{1,3}$/.test(part) ? Number(part) : NaN));
  if (log2N === undefined || r === undefined || p === undefined) return null;
  if (!(log2N >= 1 && log2N <= MAX_LOG2N && r >= 1 && r <= MAX_R && p >= 1 && p <= MAX_P)) return null;
  const salt = Buffer.from(parts[4] ?? '', 'base64url');
  const key = Buffer.from(parts[5] ?? '', 'base64url');
  if (salt.length === 0 || key.length < 16 || key.length > 128) return null;
  return { params: { log2N, r, p }, salt, key };
};

export const isPasswordHash = (value: string): boolean => parseHash(value) !== null;

/** Constant-time comparison; false (never an exception) for a malformed stored hash. */
export const verifyPassword = async (stored: string, password: string): Promise<boolean> => {
  const parsed = parseHash(stored);
  if (!parsed) return false;
  const key = await derive(password, parsed.salt, parsed.params, parsed.key.length);
  return timingSafeEqual(key, parsed.key);
};

import { pbkdf2, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * scrypt with N=2^14 (16 MiB), r=8, p=5: one of the equally strong sets of OWASP's Password Storage Cheat Sheet.
 * Its first set (N=2^17, 128 MiB) would take 512 MiB while libuv's four threads hash a connect storm's devices;
 * this one trades that memory for CPU. Hashing runs on libuv's pool, so the broker's event loop never waits on it.
 */
const SCRYPT = { N: 2 ** 14, r: 8, p: 5 };
/** scrypt needs a little over 128·N·r bytes; a stored hash asking for more than twice ours is not one of ours. */
const MAX_MEMORY = 2 * 128 * SCRYPT.N * SCRYPT.r;
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;

type StoredHash =
  | { scheme: 'scrypt'; N: number; r: number; p: number; salt: Buffer; hash: Buffer }
  | { scheme: 'pbkdf2-sha256'; iterations: number; salt: Buffer; hash: Buffer };

const scryptHash = (salt: Buffer): StoredHash => ({
  scheme: 'scrypt',
  ...SCRYPT,
  salt,
  hash: Buffer.alloc(KEY_LENGTH),
});
/** The work of one check against a hash nobody has: an unknown user costs what a wrong password does. */
const DUMMY = scryptHash(Buffer.alloc(SALT_LENGTH));

/** `scrypt$<N>$<r>$<p>$<salt>$<hash>` (base64). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const hash = await derive(password, scryptHash(salt));
  const { N, r, p } = SCRYPT;
  return ['scrypt', N, r, p, salt.toString('base64'), hash.toString('base64')].join('$');
}

/**
 * False for a wrong password, a malformed hash or none at all (`undefined`), after at least the work of one check
 * with today's parameters, and never a throw. Hashes from before scrypt (`pbkdf2-sha256$20000$…`, 20,000
 * iterations where OWASP now asks 600,000) live on in the events and still verify; they pay for a dummy scrypt on
 * top, so the time of an answer tells nothing about which kind of hash a device has, or whether it has one.
 */
export async function verifyPassword(password: string, encoded: string | undefined): Promise<boolean> {
  const stored = encoded === undefined ? undefined : parseHash(encoded);
  const actual = await derive(password, stored ?? DUMMY).catch(() => undefined);
  if (stored && (!actual || !costsACheck(stored))) await derive(password, DUMMY).catch(() => undefined);
  return stored !== undefined && actual !== undefined && timingSafeEqual(actual, stored.hash);
}

function costsACheck(stored: StoredHash): boolean {
  return stored.scheme === 'scrypt' && stored.N * stored.r * stored.p >= SCRYPT.N * SCRYPT.r * SCRYPT.p;
}

function derive(password: string, stored: StoredHash): Promise<Buffer> {
  const { salt, hash } = stored;
  return new Promise((resolve, reject) => {
    const done = (error: Error | null, key: Buffer) => (error ? reject(error) : resolve(key));
    if (stored.scheme === 'scrypt') {
      const { N, r, p } = stored;
      scrypt(password, salt, hash.length, { N, r, p, maxmem: MAX_MEMORY }, done);
    } else pbkdf2(password, salt, stored.iterations, hash.length, 'sha256', done);
  });
}

function parseHash(encoded: string): StoredHash | undefined {
  const parts = encoded.split('$');
  const salt = Buffer.from(parts.at(-2) ?? '', 'base64');
  const hash = Buffer.from(parts.at(-1) ?? '', 'base64');
  // An empty hash would match any password; ours are 32 bytes.
  if (salt.length === 0 || hash.length < 16 || hash.length > 64) return undefined;
  const [scheme, ...numbers] = parts.slice(0, -2);
  const [a, b, c] = numbers.map((text) => (/^[1-9]\d{0,6}$/.test(text) ? Number(text) : NaN));
  if (scheme === 'scrypt' && numbers.length === 3 && a && b && c)
    return { scheme, N: a, r: b, p: c, salt, hash };
  if (scheme === 'pbkdf2-sha256' && numbers.length === 1 && a) return { scheme, iterations: a, salt, hash };
  return undefined;
}

import { pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const derive = promisify(pbkdf2);
/**
 * PBKDF2-SHA256: a slow, salted hash, computed on libuv's thread pool so the broker's event loop never waits on
 * it. 20,000 iterations cost a few milliseconds; presence-ingest caches successful checks.
 */
const ITERATIONS = 20_000;
const KEY_LENGTH = 32;

/** `pbkdf2-sha256$<iterations>$<salt>$<hash>` (base64). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await derive(password, salt, ITERATIONS, KEY_LENGTH, 'sha256');
  return ['pbkdf2-sha256', ITERATIONS, salt.toString('base64'), hash.toString('base64')].join('$');
}

/** The work of one check against a hash nobody has: an unknown user costs what a wrong password does. */
const DUMMY_HASH = `pbkdf2-sha256$${ITERATIONS}$${Buffer.alloc(16).toString('base64')}$${Buffer.alloc(KEY_LENGTH).toString('base64')}`;

/** False for a wrong password, a malformed hash or none at all (`undefined`), after the same work as a check. */
export async function verifyPassword(password: string, encoded: string | undefined): Promise<boolean> {
  const [scheme, iterations, salt, hash] = (encoded ?? DUMMY_HASH).split('$');
  if (scheme !== 'pbkdf2-sha256' || !iterations || !salt || !hash) {
    await verifyPassword(password, undefined);
    return false;
  }
  const expected = Buffer.from(hash, 'base64');
  const actual = await derive(
    password,
    Buffer.from(salt, 'base64'),
    Number(iterations),
    expected.length,
    'sha256',
  );
  return encoded !== undefined && timingSafeEqual(actual, expected);
}

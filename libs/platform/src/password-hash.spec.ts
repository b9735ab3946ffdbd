import { describe, expect, it } from '@jest/globals';
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { hashPassword, verifyPassword } from './password-hash.js';

/** A hash as the PBKDF2 version wrote them, still found in stored events. */
function legacyHash(password: string): string {
  const salt = randomBytes(16);
  const hash = pbkdf2Sync(password, salt, 20_000, 32, 'sha256');
  return ['pbkdf2-sha256', 20_000, salt.toString('base64'), hash.toString('base64')].join('$');
}

async function millis(check: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await check();
  return performance.now() - start;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
const b64 = (bytes: number) => Buffer.alloc(bytes, 7).toString('base64');

const MALFORMED = [
  '',
  'not a hash',
  `bcrypt$10$${b64(16)}$${b64(32)}`,
  `scrypt$16384$8$5$${b64(16)}$`,
  `scrypt$16384$8$5$${b64(16)}$=`,
  `pbkdf2-sha256$20000$${b64(16)}$=`,
  `pbkdf2-sha256$abc$${b64(16)}$${b64(32)}`,
  `scrypt$16383$8$5$${b64(16)}$${b64(32)}`,
  `scrypt$1048576$8$1$${b64(16)}$${b64(32)}`,
  `scrypt$16384$8$${b64(16)}$${b64(32)}`,
];

describe('device password hashes', () => {
  it('are salted scrypt hashes that verify the password they were made from, and no other', async () => {
    const encoded = await hashPassword('a-long-device-password');
    expect(encoded).toMatch(/^scrypt\$16384\$8\$5\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(await hashPassword('a-long-device-password')).not.toBe(encoded);
    expect(await verifyPassword('a-long-device-password', encoded)).toBe(true);
    expect(await verifyPassword('a-long-device-password ', encoded)).toBe(false);
    expect(await verifyPassword('', encoded)).toBe(false);
  });

  it('still verify the PBKDF2 hashes written before scrypt', async () => {
    const encoded = legacyHash('an-old-device-password');
    expect(await verifyPassword('an-old-device-password', encoded)).toBe(true);
    expect(await verifyPassword('an-old-device-passwore', encoded)).toBe(false);
  });

  it('answer false for no hash or a malformed one, whatever the password', async () => {
    for (const encoded of [undefined, ...MALFORMED]) {
      expect(await verifyPassword('a-long-device-password', encoded)).toBe(false);
    }
  });

  it('take about as long without a hash, with a malformed or a legacy one, as with a real one', async () => {
    const real = await hashPassword('a-long-device-password');
    const legacy = legacyHash('a-long-device-password');
    const times = {
      real: [] as number[],
      none: [] as number[],
      malformed: [] as number[],
      legacy: [] as number[],
    };
    for (let run = 0; run < 5; run++) {
      times.real.push(await millis(() => verifyPassword('a-wrong-password', real)));
      times.none.push(await millis(() => verifyPassword('a-wrong-password', undefined)));
      times.malformed.push(await millis(() => verifyPassword('a-wrong-password', MALFORMED[run])));
      times.legacy.push(await millis(() => verifyPassword('a-wrong-password', legacy)));
    }
    const realMedian = median(times.real);
    expect(median(times.none)).toBeGreaterThanOrEqual(realMedian / 2);
    expect(median(times.malformed)).toBeGreaterThanOrEqual(realMedian / 2);
    expect(median(times.legacy)).toBeGreaterThanOrEqual(realMedian / 2);
  });

  it.each([
    ['empty', ''],
    ['non-ASCII', 'pässwörd-🔑-パスワード'],
    ['control characters', '\u0000\u0001\u001b\u007f'],
    ['a lone surrogate (not valid UTF-16, so no UTF-8 either)', 'ab\ud800cd'],
    ['invalid UTF-8 bytes read as Latin-1', Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x80]).toString('latin1')],
    ['100 KB long', 'x'.repeat(100_000)],
  ])('hash and check, without throwing, a password that is %s', async (_, password) => {
    const encoded = await hashPassword(password);
    expect(await verifyPassword(password, encoded)).toBe(true);
    expect(await verifyPassword(password, undefined)).toBe(false);
    expect(await verifyPassword(password, legacyHash(password))).toBe(true);
  });
});

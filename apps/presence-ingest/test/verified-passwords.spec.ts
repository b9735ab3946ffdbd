import { describe, expect, it } from '@jest/globals';
import { hashPassword } from '#libs/platform';
import { VerifiedPasswords } from '../src/broker/verified-passwords.js';

/** The broker's password checks: real scrypt hashes, the cache of successes and the bounded queue. */
describe('verified passwords', () => {
  it('answers a right password from memory after the first slow check', async () => {
    const hash = await hashPassword('device-password-1');
    const passwords = new VerifiedPasswords();
    expect(await passwords.verify('device-password-1', hash)).toBe(true);
    const started = performance.now();
    expect(await passwords.verify('device-password-1', hash)).toBe(true);
    expect(performance.now() - started).toBeLessThan(5);
    expect(await passwords.verify('another-password', hash)).toBe(false);
  });

  it('lets a bounded number wait and answers the rest busy at once, without running their hash', async () => {
    const hash = await hashPassword('device-password-1');
    const passwords = new VerifiedPasswords(1, 2);
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => passwords.verify('wrong-password', hash)),
    );
    expect(answers).toEqual([false, false, false, 'busy', 'busy', 'busy']);
    expect(await passwords.verify('device-password-1', hash)).toBe(true); // the queue drained
  });

  it('runs no more checks at once than it was given', async () => {
    const hash = await hashPassword('device-password-1');
    const passwords = new VerifiedPasswords(1, 10);
    const single = performance.now();
    await passwords.verify('wrong-password', hash);
    const one = performance.now() - single;
    const started = performance.now();
    await Promise.all(Array.from({ length: 3 }, () => passwords.verify('wrong-password', hash)));
    expect(performance.now() - started).toBeGreaterThan(2 * one);
  });
});

import { createHash } from 'node:crypto';
import { verifyPassword } from '#libs/platform';

const MAX_ENTRIES = 100_000;

/**
 * Remembers password checks that succeeded, so a device reconnecting with the same password does not pay for the
 * slow hash again. Keys are digests of (hash, password): the cache holds no password.
 */
export class VerifiedPasswords {
  private readonly verified = new Set<string>();

  /** Without a hash the check still does the slow work, then answers false. */
  async verify(password: string, passwordHash: string | undefined): Promise<boolean> {
    if (passwordHash === undefined) return verifyPassword(password, undefined);
    const key = createHash('sha256').update(passwordHash).update('\0').update(password).digest('base64');
    if (this.verified.has(key)) return true;
    if (!(await verifyPassword(password, passwordHash))) return false;
    if (this.verified.size >= MAX_ENTRIES) this.verified.delete(this.verified.values().next().value!);
    this.verified.add(key);
    return true;
  }
}

import { createHash } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { verifyPassword } from '#libs/platform';

const MAX_ENTRIES = 100_000;

/** A slow hash takes ~180 ms of a core: this many may wait, so a device waits a few seconds at most. */
const MAX_WAITING = 64;

/**
 * Remembers password checks that succeeded, so a device reconnecting with the same password does not pay for the
 * slow hash again (keys are digests of hash and password: the cache holds no password). The slow checks run one
 * core short of all of them at once, and only a bounded queue waits: a stranger sending wrong passwords as fast
 * as it can gets `busy`, and cannot take the broker's own core.
 */
export class VerifiedPasswords {
  private readonly verified = new Set<string>();
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly maxInFlight = Math.max(1, availableParallelism() - 1),
    private readonly maxWaiting = MAX_WAITING,
  ) {}

  /** Without a hash the check still does the slow work, then answers false. */
  async verify(password: string, passwordHash: string | undefined): Promise<boolean | 'busy'> {
    const key =
      passwordHash &&
      createHash('sha256').update(passwordHash).update('\0').update(password).digest('base64');
    if (key && this.verified.has(key)) return true;
    if (!(await this.turn())) return 'busy';
    try {
      if (!(await verifyPassword(password, passwordHash)) || !key) return false;
    } finally {
      this.release();
    }
    if (this.verified.size >= MAX_ENTRIES) this.verified.delete(this.verified.values().next().value!);
    this.verified.add(key);
    return true;
  }

  /** Waits for a free slot; false when the queue is full. A released slot passes straight to the next waiter. */
  private async turn(): Promise<boolean> {
    if (this.inFlight < this.maxInFlight) {
      this.inFlight++;
      return true;
    }
    if (this.waiting.length >= this.maxWaiting) return false;
    await new Promise<void>((handedOver) => this.waiting.push(handedOver));
    return true;
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.inFlight--;
  }
}

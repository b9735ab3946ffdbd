export interface BackoffOptions {
  /** The first delay. */
  initialMs: number;
  /** No delay is longer. */
  maxMs: number;
}

/** The delay before retry number `attempt` (1-based): `initialMs`, doubling each time, capped at `maxMs`. */
export function backoffDelay(attempt: number, { initialMs, maxMs }: BackoffOptions): number {
  // 2 ** 30 already exceeds any cap in milliseconds; a larger exponent would only risk Infinity.
  return Math.min(maxMs, initialMs * 2 ** Math.min(Math.max(attempt - 1, 0), 30));
}

/** Counts consecutive failures of one operation and says how long to wait before the next try. */
export class Backoff {
  private failed = 0;

  constructor(private readonly options: BackoffOptions) {}

  /** Failures since the last success. */
  get failures(): number {
    return this.failed;
  }

  /** Records a failure and returns the delay before the next try. */
  next(): number {
    return backoffDelay(++this.failed, this.options);
  }

  succeeded(): void {
    this.failed = 0;
  }
}

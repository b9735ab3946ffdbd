import { describe, expect, it } from '@jest/globals';
import { Backoff, backoffDelay } from './backoff.js';

describe('backoff', () => {
  it('doubles from the first delay up to the cap', () => {
    const delays = [1, 2, 3, 4, 5, 6].map((attempt) =>
      backoffDelay(attempt, { initialMs: 100, maxMs: 1_000 }),
    );
    expect(delays).toEqual([100, 200, 400, 800, 1_000, 1_000]);
  });

  it('stays at the cap however many attempts were made', () => {
    expect(backoffDelay(10_000, { initialMs: 200, maxMs: 30_000 })).toBe(30_000);
  });

  it('starts again from the first delay after a success', () => {
    const backoff = new Backoff({ initialMs: 50, maxMs: 5_000 });
    expect([backoff.next(), backoff.next(), backoff.next()]).toEqual([50, 100, 200]);
    expect(backoff.failures).toBe(3);
    backoff.succeeded();
    expect(backoff.next()).toBe(50);
  });
});

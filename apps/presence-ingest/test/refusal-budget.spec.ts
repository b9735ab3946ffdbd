import { describe, expect, it } from '@jest/globals';
import { RefusalBudget } from '../src/broker/refusal-budget.js';

/** Which refusals are written out: the first few per key and minute, the rest counted and reported later. */
describe('refusal budget', () => {
  const takes = (budget: RefusalBudget, key: string, count: number, now: number) =>
    Array.from({ length: count }, () => budget.take(key, now));

  it('writes the first few of a minute, then counts the rest', () => {
    const budget = new RefusalBudget(3);
    expect(takes(budget, 'GID_a@@@x', 5, 1_000).map((t) => t.write)).toEqual([
      true,
      true,
      true,
      false,
      false,
    ]);
  });

  it('reports with the first one written next minute how many were only counted', () => {
    const budget = new RefusalBudget(2);
    takes(budget, 'GID_a@@@x', 7, 1_000);
    expect(budget.take('GID_a@@@x', 61_000)).toEqual({ write: true, suppressed: 5 });
    expect(budget.take('GID_a@@@x', 61_001)).toEqual({ write: true, suppressed: 0 });
  });

  it('gives each key its own allowance', () => {
    const budget = new RefusalBudget(1);
    expect([budget.take('a', 0).write, budget.take('b', 0).write, budget.take('a', 0).write]).toEqual([
      true,
      true,
      false,
    ]);
  });

  it('caps the total written per minute, so cycling through keys does not get around it', () => {
    const budget = new RefusalBudget(5, 10);
    const written = Array.from({ length: 100 }, (_, i) => budget.take(`GID_a@@@d${i}`, 0)).filter(
      (t) => t.write,
    );
    expect(written).toHaveLength(10);
  });

  it('keeps a bounded number of keys: past it, new keys are only counted', () => {
    const budget = new RefusalBudget(5, 1_000, 3);
    const writes = ['a', 'b', 'c', 'd'].map((key) => budget.take(key, 0).write);
    expect(writes).toEqual([true, true, true, false]);
  });
});

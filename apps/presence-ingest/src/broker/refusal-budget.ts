/**
 * How many refusals of one key (a client ID, or one shared key for untraceable refusals) are written out per
 * minute: the first `perMinute` of each minute, the rest only counted and reported with the next one written.
 * The keys are bounded too, and so is the total per minute, so a stranger cycling through client IDs of a
 * registered group cannot fill the store either.
 */
export class RefusalBudget {
  private windowStart = 0;
  private writtenInWindow = 0;
  private readonly perKey = new Map<string, { written: number; suppressed: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly totalPerMinute = perMinute * 60,
    private readonly maxKeys = 10_000,
  ) {}

  /** `write`: keep this one; `suppressed`: how many of this key were only counted since the last one kept. */
  take(key: string, now: number): { write: boolean; suppressed: number } {
    if (now - this.windowStart >= 60_000) {
      this.windowStart = now;
      this.writtenInWindow = 0;
      for (const [k, entry] of this.perKey) {
        if (entry.suppressed === 0) this.perKey.delete(k);
        else entry.written = 0;
      }
    }
    let entry = this.perKey.get(key);
    if (!entry) {
      if (this.perKey.size >= this.maxKeys) return { write: false, suppressed: 0 };
      entry = { written: 0, suppressed: 0 };
      this.perKey.set(key, entry);
    }
    if (entry.written >= this.perMinute || this.writtenInWindow >= this.totalPerMinute) {
      entry.suppressed++;
      return { write: false, suppressed: entry.suppressed };
    }
    const suppressed = entry.suppressed;
    entry.written++;
    entry.suppressed = 0;
    this.writtenInWindow++;
    return { write: true, suppressed };
  }
}

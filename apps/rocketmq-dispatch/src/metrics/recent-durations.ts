/** The send and delivery durations of the last minute, as the overview shows them (Prometheus keeps the rest). */
export interface DurationSummary {
  /** How many were measured in the window. */
  count: number;
  p50Ms: number | null;
  p95Ms: number | null;
}

const WINDOW_MS = 60_000;
/** A bound on memory at high rates: past it the oldest samples go first, so the window is shorter. */
const MAX_SAMPLES = 10_000;

export class RecentDurations {
  private samples: { at: number; ms: number }[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  add(ms: number): void {
    this.samples.push({ at: this.now(), ms });
    if (this.samples.length > MAX_SAMPLES) this.samples.splice(0, this.samples.length - MAX_SAMPLES);
  }

  summary(): DurationSummary {
    const since = this.now() - WINDOW_MS;
    this.samples = this.samples.filter((sample) => sample.at >= since);
    const sorted = this.samples.map((sample) => sample.ms).sort((a, b) => a - b);
    const at = (quantile: number) =>
      sorted.length === 0 ? null : sorted[Math.min(sorted.length - 1, Math.floor(quantile * sorted.length))]!;
    return { count: sorted.length, p50Ms: at(0.5), p95Ms: at(0.95) };
  }
}

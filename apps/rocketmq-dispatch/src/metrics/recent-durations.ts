/** The send and delivery durations of the last minute, as the overview shows them (Prometheus keeps the rest). */
export interface DurationSummary {
  /** How many were measured in the window. */
  count: number;
  p50Ms: number | null;
  p95Ms: number | null;
}

const WINDOW_MS = 60_000;
/** A bound on memory at high rates: past it the oldest samples are overwritten, so the window is shorter. */
const MAX_SAMPLES = 10_000;

/**
 * A ring of the last samples: `add` runs once per notification on dispatch's hot path, so it writes one slot and
 * never moves the others; the sorting is left to `summary`, which the overview asks for every few seconds.
 */
export class RecentDurations {
  private readonly times = new Float64Array(MAX_SAMPLES);
  private readonly durations = new Float64Array(MAX_SAMPLES);
  private written = 0;

  constructor(private readonly now: () => number = Date.now) {}

  add(ms: number): void {
    const slot = this.written % MAX_SAMPLES;
    this.times[slot] = this.now();
    this.durations[slot] = ms;
    this.written += 1;
  }

  summary(): DurationSummary {
    const since = this.now() - WINDOW_MS;
    const recent: number[] = [];
    for (let slot = 0; slot < Math.min(this.written, MAX_SAMPLES); slot += 1)
      if (this.times[slot]! >= since) recent.push(this.durations[slot]!);
    recent.sort((a, b) => a - b);
    const at = (quantile: number) =>
      recent.length === 0 ? null : recent[Math.min(recent.length - 1, Math.floor(quantile * recent.length))]!;
    return { count: recent.length, p50Ms: at(0.5), p95Ms: at(0.95) };
  }
}

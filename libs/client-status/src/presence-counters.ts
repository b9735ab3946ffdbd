/**
 * Counters the client status projection keeps beside the statuses, in the same commit as its checkpoint: how
 * many clients are online (in total and per group) and connects, closes and refused connects per minute. They are
 * computed from the stored events, so they stay exact however many presence-ingest nodes wrote them, and a query
 * reads a handful of documents instead of counting the online clients.
 */

/** One minute's presence traffic: channels opened, channels closed, CONNECTs refused. */
export interface PresenceMinute {
  connects: number;
  closes: number;
  refusals: number;
}

export interface PresenceTotals {
  [key: string]: unknown;
  /** Clients with at least one open channel. */
  online: number;
  /** By the minute's start (epoch ms, broker time), the last PRESENCE_MINUTES_KEPT minutes. */
  perMinute: Record<string, PresenceMinute>;
}

export interface GroupOnline {
  [key: string]: unknown;
  groupId: string;
  online: number;
}

export const PRESENCE_MINUTES_KEPT = 60;
const MINUTE = 60_000;

export const emptyPresenceTotals = (): PresenceTotals => ({ online: 0, perMinute: {} });

export const minuteOf = (time: number): number => time - (time % MINUTE);

/**
 * What one projection batch changes in the counters: online deltas per group and per-minute tallies. The
 * batch adds them to the stored counters it read before committing.
 */
export class PresenceCounterDeltas {
  private readonly online = new Map<string, number>();
  private readonly minutes = new Map<number, PresenceMinute>();

  /** A client went online (+1) or offline (-1); `groupId` is empty for a client ID without a group. */
  clientOnline(groupId: string, delta: 1 | -1): void {
    this.online.set(groupId, (this.online.get(groupId) ?? 0) + delta);
  }

  tally(time: number, what: keyof PresenceMinute, count = 1): void {
    const minute = minuteOf(time);
    const current = this.minutes.get(minute) ?? { connects: 0, closes: 0, refusals: 0 };
    this.minutes.set(minute, { ...current, [what]: current[what] + count });
  }

  /** The groups whose online count changed (never the empty group). */
  get groups(): string[] {
    return [...this.online.keys()].filter((groupId) => groupId !== '');
  }

  get isEmpty(): boolean {
    return this.online.size === 0 && this.minutes.size === 0;
  }

  applyToGroup(stored: GroupOnline | undefined, groupId: string): GroupOnline {
    return { groupId, online: (stored?.online ?? 0) + (this.online.get(groupId) ?? 0) };
  }

  applyToTotals(stored: PresenceTotals): PresenceTotals {
    const online = stored.online + [...this.online.values()].reduce((sum, delta) => sum + delta, 0);
    const perMinute = { ...stored.perMinute };
    for (const [minute, added] of this.minutes) {
      const current = perMinute[minute] ?? { connects: 0, closes: 0, refusals: 0 };
      perMinute[minute] = {
        connects: current.connects + added.connects,
        closes: current.closes + added.closes,
        refusals: current.refusals + added.refusals,
      };
    }
    const newest = Math.max(...Object.keys(perMinute).map(Number));
    const oldestKept = newest - (PRESENCE_MINUTES_KEPT - 1) * MINUTE;
    for (const key of Object.keys(perMinute)) if (Number(key) < oldestKept) delete perMinute[key];
    return { online, perMinute };
  }
}

/** The last `minutes` minutes up to `now`, oldest first, a minute without traffic at zero. */
export function recentMinutes(
  totals: PresenceTotals,
  now: number,
  minutes: number,
): ({ minute: number } & PresenceMinute)[] {
  const current = minuteOf(now);
  return Array.from({ length: minutes }, (_, i) => {
    const minute = current - (minutes - 1 - i) * MINUTE;
    return { minute, ...(totals.perMinute[minute] ?? { connects: 0, closes: 0, refusals: 0 }) };
  });
}

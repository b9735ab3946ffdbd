/*
 * How far retention may remove (SPEC §9), decided from plain data: the time, the retention period, the store's
 * horizon, where each reader stands, and the oldest expiring events after the horizon. Pure: the caller reads the
 * checkpoints and events and passes them in with the time.
 */

/** Where one reader of the expiring streams has got: everything at or below `position` it has read. */
export interface ReaderPosition {
  reader: string;
  position: number;
}

/** An expiring event as retention looks at it: where it is and when it happened. */
export interface ExpiringEvent {
  position: number;
  occurredAt: number;
}

export interface RetentionState {
  now: number;
  /** EVENT_RETENTION in milliseconds; undefined when off. */
  retentionMs: number | undefined;
  /** The store's retention horizon: nothing at or below it is left to remove. */
  horizon: number;
  readers: ReaderPosition[];
  /** The expiring events after the horizon, oldest first, as many as were read (a batch). */
  expiring: ExpiringEvent[];
}

export type RetentionDecision =
  | {
      remove: false;
      why: 'off' | 'nothing-expired' | 'held-back';
      heldBackBy?: ReaderPosition;
      lagging?: Lagging;
    }
  | {
      remove: true;
      /** Remove the expiring events at or below this position. */
      through: number;
      /** When the last of them happened. */
      occurredAt: number;
      /** The reader that stops removal before the age limit does, if one does. */
      heldBackBy?: ReaderPosition;
      lagging?: Lagging;
    };

/** A reader holding removal back by more than the retention period itself: worth a warning. */
export interface Lagging {
  reader: ReaderPosition;
  /** How long the first event it holds back has been past retention, in milliseconds. */
  overdueMs: number;
}

/** The slowest reader (the low-water mark); none when there are no readers. */
export function slowestReader(readers: readonly ReaderPosition[]): ReaderPosition | undefined {
  return readers.reduce<ReaderPosition | undefined>(
    (slowest, reader) => (slowest === undefined || reader.position < slowest.position ? reader : slowest),
    undefined,
  );
}

/** The last of the leading events that happened before `cutoff` (events are in position order). */
function lastExpired(events: readonly ExpiringEvent[], cutoff: number): ExpiringEvent | undefined {
  let last: ExpiringEvent | undefined;
  for (const event of events) {
    if (event.occurredAt >= cutoff) break;
    last = event;
  }
  return last;
}

/**
 * Removes what is both past retention and read by every reader, never at or below the horizon. A reader with no
 * checkpoint stands at 0 and holds everything back: what it has not read is never lost.
 */
export function decideRetention(state: RetentionState): RetentionDecision {
  const { now, retentionMs, horizon, readers, expiring } = state;
  if (retentionMs === undefined) return { remove: false, why: 'off' };
  const cutoff = now - retentionMs;
  const expired = lastExpired(
    expiring.filter((event) => event.position > horizon),
    cutoff,
  );
  if (!expired) return { remove: false, why: 'nothing-expired' };
  const slowest = slowestReader(readers);
  const heldBackBy = slowest && slowest.position < expired.position ? slowest : undefined;
  const lagging = heldBackBy && laggingReader(heldBackBy, expiring, cutoff, retentionMs);
  const readable = expiring.filter(
    (event) => event.position <= expired.position && (!heldBackBy || event.position <= heldBackBy.position),
  );
  const last = readable.at(-1);
  if (!last || last.position <= horizon)
    return {
      remove: false,
      why: 'held-back',
      ...(heldBackBy && { heldBackBy }),
      ...(lagging && { lagging }),
    };
  return {
    remove: true,
    through: last.position,
    occurredAt: last.occurredAt,
    ...(heldBackBy && { heldBackBy }),
    ...(lagging && { lagging }),
  };
}

/** The reader lags by more than retention when the first event it holds back expired over a period ago. */
function laggingReader(
  reader: ReaderPosition,
  expiring: readonly ExpiringEvent[],
  cutoff: number,
  retentionMs: number,
): Lagging | undefined {
  const firstHeld = expiring.find((event) => event.position > reader.position);
  if (!firstHeld) return undefined;
  const overdueMs = cutoff - firstHeld.occurredAt;
  return overdueMs > retentionMs ? { reader, overdueMs } : undefined;
}

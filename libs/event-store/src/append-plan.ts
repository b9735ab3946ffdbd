import { DuplicateEventError, WrongExpectedVersionError } from './errors.js';
import type { ExpectedVersion, NewEvent, StreamAppend } from './event-store.port.js';

/** One event with the stream version it will be stored at. */
export interface PlannedRow {
  stream: string;
  version: number;
  event: NewEvent;
}

export interface PlannedResult {
  stream: string;
  version: number;
  /** Index in `rows` of the stream's last event written by this batch, or -1 when the batch wrote none. */
  lastRow: number;
}

export interface AppendPlan {
  rows: PlannedRow[];
  results: PlannedResult[];
  /** Version of every stream that receives events, after the batch. */
  streamVersions: Map<string, number>;
}

/**
 * Checks expected versions and assigns stream versions for a batch, before anything is written, so both
 * adapters reject a batch the same way. Runs inside the adapter's write transaction: `currentVersion` must
 * read the committed version under the adapter's append lock. A stream may appear several times in one
 * batch; each entry continues from the previous one's version.
 */
export function planAppends(appends: StreamAppend[], currentVersion: (stream: string) => number): AppendPlan {
  const rows: PlannedRow[] = [];
  const results: PlannedResult[] = [];
  const streamVersions = new Map<string, number>();
  const lastRowOfStream = new Map<string, number>();
  const eventIds = new Set<string>();

  for (const { stream, events, expectedVersion } of appends) {
    const current = streamVersions.get(stream) ?? currentVersion(stream);
    if (!matchesExpected(current, expectedVersion)) {
      throw new WrongExpectedVersionError(stream, expectedVersion, current);
    }
    events.forEach((event, index) => {
      // A repeated ID inside the batch would otherwise be stored once and reported as a stored duplicate.
      if (eventIds.has(event.eventId)) throw new DuplicateEventError(event.eventId);
      eventIds.add(event.eventId);
      rows.push({ stream, version: current + index + 1, event });
    });
    if (events.length > 0) {
      streamVersions.set(stream, current + events.length);
      lastRowOfStream.set(stream, rows.length - 1);
    }
    results.push({ stream, version: current + events.length, lastRow: lastRowOfStream.get(stream) ?? -1 });
  }
  return { rows, results, streamVersions };
}

function matchesExpected(current: number, expected: ExpectedVersion): boolean {
  if (expected === 'any') return true;
  if (expected === 'no_stream') return current === 0;
  return current === expected;
}

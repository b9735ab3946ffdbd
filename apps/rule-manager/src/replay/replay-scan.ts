import type { EventLog } from '#libs/event-store';
import {
  isSelectedForReplay,
  routeLoggedEvent,
  type Notification,
  type ReplaySelection,
} from '#libs/notifications';
import {
  CLIENT_STREAM_PREFIX,
  clientStream,
  isPresenceEventType,
  type PresenceEventData,
} from '#libs/presence';
import { ControlPlaneAtPosition, controlPlaneStream } from '#libs/rules';

/**
 * Presence events are stored in nearly the order they happened: a batch waits milliseconds, but events buffered
 * while the store was down arrive later. The scan starts and stops this far outside the range to catch those.
 */
const DISORDER_MS = 10 * 60_000;
const READ_BATCH = 2_000;

/**
 * The notifications a rule gave for the events of a time range, decided as dispatch decided them: each event
 * routed by the rules as of its position. Finds where the range starts by bisecting the log on event times, so
 * a replay of the last hour does not read the whole history. Stops at `limit` notifications: more than a replay
 * may hold need not be read to be refused.
 */
export async function selectForReplay(
  store: EventLog,
  mqttInstanceId: string,
  selection: ReplaySelection,
  limit: number,
): Promise<Notification[]> {
  const controlStream = controlPlaneStream(mqttInstanceId);
  const head = await store.headPosition();
  const start = await lastPositionBefore(store, selection.from - DISORDER_MS, head);
  const rules = ControlPlaneAtPosition.upTo(controlStream, await store.readStream(controlStream), start);
  const selected: Notification[] = [];
  for (let after = start; after < head;) {
    const events = await store.readAll(after, {
      // One client's replay reads its stream alone (a prefix: isSelectedForReplay drops `…-10` for `…-1`).
      filter: {
        streamPrefixes: [
          controlStream,
          selection.clientId ? clientStream(selection.clientId) : CLIENT_STREAM_PREFIX,
        ],
      },
      limit: READ_BATCH,
      toPosition: head,
    });
    if (events.length === 0) break;
    for (const event of events) {
      if (
        isPresenceEventType(event.type) &&
        (event.data as PresenceEventData).time > selection.to + DISORDER_MS
      )
        return selected;
      for (const notification of routeLoggedEvent(event, rules)) {
        if (!isSelectedForReplay(notification, selection)) continue;
        selected.push(notification);
        if (selected.length === limit) return selected;
      }
    }
    after = events.at(-1)!.position;
  }
  return selected;
}

/** A position at or before the first presence event that happened at or after `time` (0 when none is earlier). */
async function lastPositionBefore(store: EventLog, time: number, head: number): Promise<number> {
  let [low, high] = [0, head];
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    const [first] = await store.readAll(middle, {
      filter: { streamPrefixes: [CLIENT_STREAM_PREFIX] },
      limit: 1,
      toPosition: high,
    });
    if (first && (first.data as PresenceEventData).time < time) low = first.position;
    else high = middle;
  }
  return low;
}

import { catchUpLog, type EventLog } from '#libs/event-store';
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
  await catchUpLog(store, {
    name: 'replay scan',
    from: start,
    // One client's replay reads its stream alone (a prefix: isSelectedForReplay drops `…-10` for `…-1`).
    filter: {
      streamPrefixes: [
        controlStream,
        selection.clientId ? clientStream(selection.clientId) : CLIENT_STREAM_PREFIX,
      ],
    },
    batchSize: READ_BATCH,
    handle: async ({ events }) => {
      for (const event of events) {
        const data = event.data as PresenceEventData;
        if (isPresenceEventType(event.type) && data.time > selection.to + DISORDER_MS) return 'stop';
        for (const notification of routeLoggedEvent(event, rules)) {
          if (!isSelectedForReplay(notification, selection)) continue;
          selected.push(notification);
          if (selected.length === limit) return 'stop';
        }
      }
    },
  });
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

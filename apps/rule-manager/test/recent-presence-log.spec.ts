import { afterEach, beforeEach, expect, it } from '@jest/globals';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newEventId, openEventStore, type EventStore, type ReadAllFilter } from '#libs/event-store';
import { clientStream, PRESENCE_EVENT_TYPES } from '#libs/presence';
import { RecentPresenceLog } from '../src/watch-presence/recent-presence-log.js';

/**
 * The watchers' shared window on a real SQLite store answers every read as the store itself does: the same events
 * for any position, filter, limit and head, while it moves on and drops what is past its capacity.
 */
const CLIENTS = ['GID_a@@@van-1', 'GID_a@@@van-10', 'GID_b@@@x'];
const TYPES = ['ClientConnected', 'ClientDisconnected', 'ClientConnectionClosed'];

let store: EventStore;
let seed = 7;
const random = (n: number) => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed % n;
};

async function append(count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const clientId = CLIENTS[random(CLIENTS.length)]!;
    const data = {
      clientId,
      channelId: 'c'.repeat(32),
      clientIp: '127.0.0.1:1',
      time: i,
      reason: 'accepted',
    };
    const metadata = { actor: 'test', occurredAt: i };
    // Now and then an event the window leaves out: another stream, or another type on a client stream.
    const [stream, type] =
      random(10) === 0 ? ['rules-mqtt', 'GroupRegistered'] : [clientStream(clientId), TYPES[random(3)]!];
    await store.append(stream, [{ eventId: newEventId(), type, data, metadata }], 'any');
  }
}

const FILTERS: ReadAllFilter[] = [
  { streamPrefixes: ['client-'], types: PRESENCE_EVENT_TYPES },
  { streamPrefixes: ['client-GID_a@@@'], types: PRESENCE_EVENT_TYPES },
  { streamPrefixes: [clientStream('GID_a@@@van-1')], types: PRESENCE_EVENT_TYPES },
];

beforeEach(async () => {
  store = await openEventStore(`sqlite:${join(mkdtempSync(join(tmpdir(), 'recent-')), 'events.db')}`);
});

afterEach(async () => {
  await store.close();
});

it('answers every read as the store does, while it moves on and drops what is past its capacity', async () => {
  const log = new RecentPresenceLog(store, 40);
  const watchers = [0, 0, 0, 0];
  for (let round = 0; round < 30; round++) {
    await append(1 + random(30));
    const head = await store.headPosition();
    for (const [w, after] of watchers.entries()) {
      const options = { filter: FILTERS[w % FILTERS.length]!, limit: 1 + random(25), toPosition: head };
      const [cached, stored] = await Promise.all([
        log.readAll(after, options),
        store.readAll(after, options),
      ]);
      expect(cached).toEqual(stored);
      // Watcher 3 stays behind now and then, and reads from before the window.
      if (w !== 3 || random(3) === 0)
        watchers[w] = cached.length === options.limit ? cached.at(-1)!.position : head;
    }
  }
});

it('answers readers waiting on the same move of the window from one read of the store', async () => {
  await append(50);
  const log = new RecentPresenceLog(store);
  const head = await store.headPosition();
  const options = { filter: FILTERS[0]!, limit: 1000, toPosition: head };
  await log.readAll(0, { ...options, toPosition: 0 });
  let reads = 0;
  const readAll = store.readAll.bind(store);
  store.readAll = (...args) => {
    reads += 1;
    return readAll(...args);
  };
  const answers = await Promise.all(Array.from({ length: 20 }, () => log.readAll(0, options)));
  store.readAll = readAll;
  expect(reads).toBe(1);
  const stored = await store.readAll(0, options);
  for (const answer of answers) expect(answer).toEqual(stored);
});

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newEventId, openEventStore, type EventStore } from '#libs/event-store';
import { loadConfig } from '#libs/platform';
import { clientStream } from '#libs/presence';
import {
  PresenceWatchers,
  WatchRefused,
  type PresenceSink,
} from '../src/watch-presence/presence-watchers.js';
import { watchQuery } from '../src/watch-presence/watch-presence.query.js';

/**
 * The watchers on a real SQLite store, with a sink that stands for a transport whose buffer fills: nothing more is
 * read or written while it is full, everything follows in order once it drains, and the limit holds.
 */
const CLIENT = 'GID_watchers@@@dev-1';

let store: EventStore;
/** Each test's watchers, whose feed must stop before the store closes. */
const opened: PresenceWatchers[] = [];
const watchersOf = (env: Record<string, string> = {}) => {
  const watchers = new PresenceWatchers(store, loadConfig(env));
  opened.push(watchers);
  return watchers;
};

/** `count` presence events of one client, one append each (positions 1…count on a fresh store). */
async function appendEvents(count: number, from = 0): Promise<void> {
  for (let n = from; n < from + count; n++) {
    const data = {
      clientId: CLIENT,
      channelId: 'c'.repeat(32),
      clientIp: '127.0.0.1:1',
      time: n,
      reason: 'accepted',
    };
    const event = {
      eventId: newEventId(),
      type: 'ClientConnected',
      data,
      metadata: { actor: 'test', occurredAt: n },
    };
    await store.append(clientStream(CLIENT), [event], n === 0 ? 'no_stream' : n);
  }
}

/** A sink that takes `capacity` events, then says it is full until `drain()` is called. */
function fullingSink(capacity: number) {
  const written: number[] = [];
  let release: (() => void) | undefined;
  let room = capacity;
  const sink: PresenceSink & { drain(): void; written: number[]; waiting: boolean } = {
    written,
    closed: false,
    get waiting() {
      return release !== undefined;
    },
    write(event) {
      written.push(event.position);
      return --room > 0;
    },
    drained: () => new Promise<void>((resolve) => (release = resolve)),
    drain() {
      room = capacity;
      const resolve = release;
      release = undefined;
      resolve?.();
    },
  };
  return sink;
}

const until = async (done: () => boolean) => {
  for (let i = 0; i < 200 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
};

beforeEach(async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'watchers-')), 'events.db');
  store = await openEventStore(`sqlite:${file}`, { expiringStreamPrefixes: ['client-'] });
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((watchers) => watchers.onModuleDestroy()));
  await store.close();
});

describe('presence watchers', () => {
  it('write nothing more while the sink is full, and the rest in order once it drains', async () => {
    await appendEvents(50);
    const watchers = watchersOf();
    const sink = fullingSink(10);
    const { after, stop } = await watchers.watch(watchQuery({ afterPosition: '0' }), sink);
    try {
      expect(after).toBe(0);
      await until(() => sink.waiting);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(sink.written).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      for (let round = 0; round < 4; round++) {
        sink.drain();
        await until(() => sink.waiting);
      }
      await appendEvents(5, 50);
      sink.drain();
      await until(() => sink.written.length === 55);
      expect(sink.written).toEqual(Array.from({ length: 55 }, (_, i) => i + 1));
    } finally {
      await stop();
    }
  });

  it('start from now, and refuse a watcher past GRPC_MAX_WATCHERS until one stops', async () => {
    await appendEvents(3);
    const watchers = watchersOf({ GRPC_MAX_WATCHERS: '2' });
    const first = await watchers.watch(watchQuery({}), fullingSink(100));
    expect(first.after).toBe(3);
    const second = await watchers.watch(watchQuery({ groupId: 'GID_watchers' }), fullingSink(100));
    await expect(watchers.watch(watchQuery({}), fullingSink(100))).rejects.toThrow(WatchRefused);
    await first.stop();
    const third = await watchers.watch(watchQuery({}), fullingSink(100));
    expect(watchers.count).toBe(2);
    await Promise.all([second.stop(), third.stop()]);
  });

  it('refuse a position below what retention kept: the events after it may be gone', async () => {
    await appendEvents(5);
    await store.removeExpiredEvents(3, 100);
    const watchers = watchersOf();
    const refused = await watchers
      .watch(watchQuery({ afterPosition: '2' }), fullingSink(100))
      .catch((e) => e);
    expect(refused).toMatchObject({ code: 'POSITION_PAST_RETENTION', field: { name: 'afterPosition' } });
    const sink = fullingSink(100);
    const kept = await watchers.watch(watchQuery({ afterPosition: '3' }), sink);
    await until(() => sink.written.length === 2);
    await kept.stop();
    expect(sink.written).toEqual([4, 5]);
  });
});

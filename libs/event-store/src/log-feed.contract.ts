import { afterEach, describe, expect, it } from '@jest/globals';
import type { EventStore, RecordedEvent } from './event-store.port.js';
import { LogFeed, TooManyWatchersError, type LogFeedOptions, type LogWatch } from './log-feed.js';
import { newEvents, positionsOf, rejectionOf } from './testing/contract-support.js';

const CLIENTS = { streamPrefixes: ['client-'] };
const everyClient = { filter: CLIENTS, matches: () => true };

/** Reads from `watch` until it has handed out `count` events (or fails after `timeoutMs`). */
async function take(watch: LogWatch, count: number, timeoutMs = 10_000): Promise<RecordedEvent[]> {
  const taken: RecordedEvent[] = [];
  const deadline = Date.now() + timeoutMs;
  while (taken.length < count) {
    if (Date.now() > deadline) throw new Error(`got ${taken.length} of ${count} events in ${timeoutMs} ms`);
    taken.push(...(await watch.next()));
  }
  return taken;
}

/** LogFeed over the adapter: one follower shared by many watchers, none of which sees a gap or a duplicate. */
export function describeLogFeedContract(currentStore: () => EventStore): void {
  describe('LogFeed', () => {
    const feeds: LogFeed[] = [];
    const feedOf = (options: Partial<LogFeedOptions> = {}) => {
      const feed = new LogFeed(currentStore(), {
        name: 'watch',
        filter: CLIENTS,
        maxWatchers: 10,
        ...options,
      });
      feeds.push(feed);
      return feed;
    };
    afterEach(async () => {
      await Promise.all(feeds.splice(0).map((feed) => feed.stop()));
    });

    it('hands a watcher from a past position the stored events, then the new ones, in order', async () => {
      const store = currentStore();
      await store.append('client-a', newEvents(3), 'any');
      await store.append('rules', newEvents(2), 'any');
      const feed = feedOf({ batchSize: 2 });
      await feed.start();
      const watch = await feed.watch({ after: 0, ...everyClient });
      const stored = await take(watch, 3);
      await store.append('client-b', newEvents(2), 'any');
      const live = await take(watch, 2);

      const clientEvents = (await store.readAll(0)).filter((event) => event.stream.startsWith('client-'));
      expect(positionsOf([...stored, ...live])).toEqual(positionsOf(clientEvents));
      expect(watch.position).toBe(clientEvents.at(-1)!.position);
    });

    it('hands a watcher from now only what is appended after the call', async () => {
      const store = currentStore();
      await store.append('client-a', newEvents(2, 'Before'), 'any');
      const watch = await feedOf().watch({ after: 'now', ...everyClient });
      await store.append('client-a', newEvents(2, 'After'), 'any');
      expect((await take(watch, 2)).map((event) => event.type)).toEqual(['After', 'After']);
    });

    it("keeps to each watcher's own selection", async () => {
      const store = currentStore();
      const feed = feedOf();
      const onlyB = await feed.watch({
        after: 'now',
        filter: { streamPrefixes: ['client-b'] },
        matches: (event) => event.stream === 'client-b',
      });
      const all = await feed.watch({ after: 'now', ...everyClient });
      await store.append('client-a', newEvents(1), 'any');
      await store.append('client-bb', newEvents(1), 'any');
      await store.append('client-b', newEvents(2), 'any');

      expect((await take(onlyB, 2)).map((event) => event.stream)).toEqual(['client-b', 'client-b']);
      expect((await take(all, 4)).map((event) => event.stream)).toEqual([
        'client-a',
        'client-bb',
        'client-b',
        'client-b',
      ]);
    });

    it('lets a watcher that fell behind catch up from the store with no gap and no duplicate', async () => {
      const store = currentStore();
      const feed = feedOf({ bufferLimit: 5, batchSize: 4 });
      const slow = await feed.watch({ after: 'now', ...everyClient });
      const fast = await feed.watch({ after: 'now', ...everyClient });
      const fastSeen: RecordedEvent[] = [];
      for (let round = 0; round < 6; round++) {
        await store.append(`client-${round}`, newEvents(4), 'any');
        fastSeen.push(...(await take(fast, 4)));
      }
      const slowSeen = await take(slow, 24);

      const expected = positionsOf(await store.readAll(0));
      expect(positionsOf(fastSeen)).toEqual(expected);
      expect(positionsOf(slowSeen)).toEqual(expected);
      // It is back on the feed: new events reach it without another store scan.
      await store.append('client-z', newEvents(1), 'any');
      expect(positionsOf(await take(slow, 1))).toEqual([await store.headPosition()]);
    });

    it('resumes a closed watch exactly after the last event it handed out', async () => {
      const store = currentStore();
      await store.append('client-a', newEvents(5), 'any');
      const feed = feedOf({ batchSize: 2 });
      const first = await feed.watch({ after: 0, ...everyClient });
      const before = await first.next();
      first.close();
      const resumed = await feed.watch({ after: before.at(-1)!.position, ...everyClient });
      const rest = await take(resumed, 5 - before.length);
      expect(positionsOf([...before, ...rest])).toEqual(positionsOf(await store.readAll(0)));
    });

    it('refuses a watcher over the limit, and takes one again once another closed', async () => {
      const feed = feedOf({ maxWatchers: 2 });
      const one = await feed.watch({ after: 'now', ...everyClient });
      await feed.watch({ after: 'now', ...everyClient });
      const refusal = await rejectionOf(feed.watch({ after: 'now', ...everyClient }));
      expect(refusal).toBeInstanceOf(TooManyWatchersError);
      one.close();
      expect(feed.watcherCount).toBe(1);
      await feed.watch({ after: 'now', ...everyClient });
      expect(feed.watcherCount).toBe(2);
    });

    it('answers a pending next() with nothing when the watch is closed', async () => {
      const watch = await feedOf().watch({ after: 'now', ...everyClient });
      const pending = watch.next();
      watch.close();
      expect(await pending).toEqual([]);
    });
  });
}

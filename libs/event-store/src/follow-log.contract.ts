import { describe, expect, it } from '@jest/globals';
import type { EventStore } from './event-store.port.js';
import { catchUpLog, followLog, type Following, type LogBatch } from './follow-log.js';
import {
  newEvent,
  newEvents,
  positionsOf,
  waitFor,
  type ContractContext,
  sleep,
} from './testing/contract-support.js';

/** followLog over the adapter: checkpoints, restarts, retries, filters, wake-ups across instances. */
export function describeFollowLogContract(context: ContractContext, currentStore: () => EventStore): void {
  describe('followLog with a stored checkpoint', () => {
    it('delivers every event once, in position order, in batches of at most batchSize', async () => {
      const store = currentStore();
      await store.append('client-a', newEvents(7), 'any');
      const { subscription, handled, batchSizes } = context.subscribe(store, { batchSize: 3 });
      await subscription.caughtUp();
      expect(batchSizes).toEqual([3, 3, 1]);
      expect(positionsOf(handled)).toEqual(positionsOf(await store.readAll(0)));

      await store.append('client-b', newEvents(2), 'any');
      const head = await store.headPosition();
      await waitFor('the checkpoint to reach the head', () => subscription.position() === head);
      expect(positionsOf(handled)).toEqual(positionsOf(await store.readAll(0)));
    });

    it('resumes after a restart with only the new events, losing none', async () => {
      const first = await context.open();
      await first.append('client-a', newEvents(3, 'BeforeStop'), 'any');
      const run1 = context.subscribe(first, { name: 'dispatch' });
      await run1.subscription.caughtUp();
      await run1.subscription.stop();
      await first.append('client-a', newEvents(2, 'WhileStopped'), 'any');
      await first.close();

      const reopened = await context.open();
      await reopened.append('client-b', newEvents(1, 'AfterRestart'), 'any');
      expect(await reopened.loadCheckpoint('dispatch')).toBe(run1.subscription.position());
      const run2 = context.subscribe(reopened, { name: 'dispatch' });
      await run2.subscription.caughtUp();

      expect(run1.handled.map((event) => event.type)).toEqual(['BeforeStop', 'BeforeStop', 'BeforeStop']);
      expect(run2.handled.map((event) => event.type)).toEqual([
        'WhileStopped',
        'WhileStopped',
        'AfterRestart',
      ]);
      const everything = positionsOf(await reopened.readAll(0));
      expect([...positionsOf(run1.handled), ...positionsOf(run2.handled)]).toEqual(everything);
      expect(run2.subscription.position()).toBe(everything[everything.length - 1]);
    });

    it('retries a failing handler with the same batch, without losing or skipping events', async () => {
      const store = currentStore();
      await store.append('client-a', newEvents(4), 'any');
      const [p1, p2, p3, p4] = positionsOf(await store.readAll(0));
      const attempts: number[][] = [];
      const failures: string[] = [];
      let running: Following | undefined;
      const { subscription, handled } = context.subscribe(store, {
        batchSize: 2,
        backoff: { initialMs: 20, maxMs: 1_000 },
        intercept: (events) => {
          attempts.push(positionsOf(events));
          if (events[0].data.index === 2 && attempts.length <= 3) throw new Error('RocketMQ is unreachable');
        },
        onError: (error) => failures.push(`${String(error)} at checkpoint ${running?.position()}`),
      });
      running = subscription;
      await subscription.caughtUp();

      expect(attempts).toEqual([
        [p1, p2],
        [p3, p4],
        [p3, p4],
        [p3, p4],
      ]);
      // While the batch failed, the checkpoint stayed after the last handled batch.
      expect(failures).toEqual([
        `Error: RocketMQ is unreachable at checkpoint ${p2}`,
        `Error: RocketMQ is unreachable at checkpoint ${p2}`,
      ]);
      expect(positionsOf(handled)).toEqual([p1, p2, p3, p4]);
      expect(subscription.position()).toBe(p4);
    });

    it('moves its checkpoint past the events its filter leaves out', async () => {
      const store = currentStore();
      await store.append('client-a', newEvents(3, 'Other'), 'any');
      const wanted = await store.append('rules-a', [newEvent('Wanted')], 'any');
      const last = await store.append('client-a', newEvents(2, 'Other'), 'any');
      const { subscription, handled, batchSizes } = context.subscribe(store, {
        name: 'wanted-only',
        filter: { types: ['Wanted'] },
      });
      await subscription.caughtUp();
      expect(positionsOf(handled)).toEqual([wanted.position]);
      expect(batchSizes).toEqual([1]);
      expect(await store.loadCheckpoint('wanted-only')).toBe(last.position);
    });

    it('wakes on an append made by another store instance', async () => {
      const store = currentStore();
      const other = await context.open();
      // No polling of its own: only the store's onAppended can wake it within the test.
      const { subscription, handled } = context.subscribe(store, { pollIntervalMs: 600_000 });
      await subscription.caughtUp();
      const appended = await other.append('client-a', [newEvent('ClientConnected')], 'any');
      await waitFor('the event appended by the other instance', () => handled.length === 1, 5_000);
      expect(positionsOf(handled)).toEqual([appended.position]);
    });

    it('wakes for what its filter matches, appended here or by another instance, among appends it leaves out', async () => {
      const store = currentStore();
      const other = await context.open();
      const { subscription, handled } = context.subscribe(store, {
        pollIntervalMs: 600_000,
        filter: { streamPrefixes: ['client-'] },
      });
      await subscription.caughtUp();
      const byOther = await other.append('client-a', [newEvent('ClientConnected')], 'any');
      // At once, before this instance may have seen the other's: an outcome its filter leaves out.
      await store.append('delivery-rule-1', [newEvent('NotificationForwarded')], 'any');
      await waitFor('the event appended by the other instance', () => handled.length === 1, 5_000);
      const here = await store.append('client-b', [newEvent('ClientConnected')], 'any');
      await store.append('delivery-rule-1', [newEvent('NotificationForwarded')], 'any');
      await waitFor('the event appended here', () => handled.length === 2, 5_000);
      expect(positionsOf(handled)).toEqual([byOther.position, here.position]);
    });

    it('calls onAppended listeners for appends by another instance until they unsubscribe', async () => {
      const store = currentStore();
      const other = await context.open();
      let calls = 0;
      const unsubscribe = store.onAppended(() => calls++);
      // A new listener gets one wake-up at once (so nothing racing its registration is missed): let it pass.
      await waitFor('the first wake-up', () => calls > 0);
      await sleep(300);
      const callsBeforeAppend = calls;
      await other.append('client-a', [newEvent('ClientConnected')], 'any');
      await waitFor('a call after the append', () => calls > callsBeforeAppend, 5_000);
      unsubscribe();
      const callsAfterUnsubscribe = calls;
      await other.append('client-a', [newEvent('ClientDisconnected')], 'any');
      await sleep(300);
      expect(calls).toBe(callsAfterUnsubscribe);
    });

    it('lets stop finish and checkpoint the batch in flight', async () => {
      const store = currentStore();
      const appended = await store.append('client-a', newEvents(3), 'any');
      let entered!: () => void;
      const inFlight = new Promise<void>((resolve) => (entered = resolve));
      const { subscription, handled } = context.subscribe(store, {
        name: 'slow',
        intercept: async () => {
          entered();
          await sleep(200);
        },
      });
      await inFlight;
      await subscription.stop();
      expect(handled).toHaveLength(3);
      expect(await store.loadCheckpoint('slow')).toBe(appended.position);
    });
    describe('followLog from a position or a function', () => {
      it('starts after a given position, stores no checkpoint, and hands where it has read through', async () => {
        const store = currentStore();
        const before = await store.append('client-a', newEvents(2, 'Before'), 'any');
        const after = await store.append('client-a', newEvents(2, 'After'), 'any');
        const tail = await store.append('other-a', newEvents(1, 'Other'), 'any');
        const batches: LogBatch[] = [];
        const following = followLog(store, {
          name: 'from-a-position',
          from: before.position,
          filter: { streamPrefixes: ['client-'] },
          handle: async (batch) => void batches.push(batch),
        });
        await following.caughtUp();
        await following.stop();
        expect(batches.map(({ events }) => events.map((event) => event.type))).toEqual([['After', 'After']]);
        expect(batches[0]).toMatchObject({ after: before.position, through: tail.position });
        expect(after.position).toBeLessThan(tail.position);
        expect(following.position()).toBe(tail.position);
        expect(await store.loadCheckpoint('from-a-position')).toBe(0);
      });

      it('ends a bounded scan where the handler answers stop, without moving past that batch', async () => {
        const store = currentStore();
        await store.append('client-a', newEvents(5), 'any');
        const [p1, p2] = positionsOf(await store.readAll(0));
        const seen: number[] = [];
        const scanned = await catchUpLog(store, {
          name: 'bounded scan',
          from: 0,
          batchSize: 2,
          handle: async ({ events }) => {
            seen.push(...positionsOf(events));
            if (seen.length >= 3) return 'stop';
          },
        });
        expect(seen).toHaveLength(4);
        expect(scanned).toBe(p2);
        expect(seen[0]).toBe(p1);
      });

      it('starts again from `from()` when the handler answers restart, without a backoff', async () => {
        const store = currentStore();
        await store.append('client-a', newEvents(3), 'any');
        const [, p2, p3] = positionsOf(await store.readAll(0));
        let stored = 0;
        const handledAfter: number[] = [];
        const errors: unknown[] = [];
        const following = followLog(store, {
          name: 'restarting',
          from: async () => stored,
          batchSize: 1,
          backoff: { initialMs: 60_000, maxMs: 60_000 },
          onError: (error) => errors.push(error),
          handle: async ({ after, through }) => {
            handledAfter.push(after);
            // Another runner commits p2 while this one handled p1: its commit is refused.
            if (after === 0) {
              stored = p2!;
              return 'restart';
            }
            stored = through;
          },
        });
        await following.caughtUp();
        await following.stop();
        expect(handledAfter).toEqual([0, p2]);
        expect(following.position()).toBe(p3);
        expect(errors).toEqual([]);
      });
    });
  });
}

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { DuplicateEventError } from './errors.js';
import type { EventStore } from './event-store.port.js';
import {
  ContractContext,
  newEvent,
  newEvents,
  positionsOf,
  rejectionOf,
  type EventStoreFixtureFactory,
} from './testing/contract-support.js';

/** The prefixes the fixture must open its stores with (`expiringStreamPrefixes`). */
export const EXPIRING_PREFIXES = ['client-', 'delivery-'] as const;

/** Retention as every adapter must show it; the fixture opens stores with EXPIRING_PREFIXES. */
export function describeRetentionContract(name: string, factory: EventStoreFixtureFactory): void {
  describe(`${name}: retention`, () => {
    const context = new ContractContext();
    let store: EventStore;
    beforeEach(async () => {
      await context.setUp(factory);
      store = await context.open();
    });
    afterEach(() => context.tearDown());

    /** client-a ×3, rules-a ×2, delivery-a ×2, client-b ×1, interleaved; returns all positions. */
    async function appendMixed(): Promise<number[]> {
      await store.append('client-a', newEvents(2), 'any');
      await store.append('rules-a', newEvents(1), 'any');
      await store.append('delivery-a', newEvents(2), 'any');
      await store.append('client-b', newEvents(1), 'any');
      await store.append('rules-a', newEvents(1), 'any');
      await store.append('client-a', newEvents(1), 'any');
      return positionsOf(await store.readAll(0));
    }
    const streamsAt = async () => (await store.readAll(0)).map((event) => `${event.stream}@${event.version}`);

    it('removes only events of the expiring streams at or below the position, oldest first', async () => {
      const positions = await appendMixed();
      const result = await store.removeExpiredEvents(positions[5], 100);
      expect(result).toEqual({ removed: 5, remaining: false });
      expect(await streamsAt()).toEqual(['rules-a@1', 'rules-a@2', 'client-a@3']);
      expect(await store.readStream('client-a')).toMatchObject([{ version: 3, position: positions[7] }]);
      expect(await store.readStream('rules-a')).toHaveLength(2);
      expect(await store.retentionHorizon()).toBe(positions[5]);
    });

    it('removes at most `limit` per call and says whether some are left', async () => {
      const positions = await appendMixed();
      expect(await store.removeExpiredEvents(positions[7], 2)).toEqual({ removed: 2, remaining: true });
      expect(await streamsAt()).toEqual([
        'rules-a@1',
        'delivery-a@1',
        'delivery-a@2',
        'client-b@1',
        'rules-a@2',
        'client-a@3',
      ]);
      expect(await store.retentionHorizon()).toBe(positions[1]);
      expect(await store.removeExpiredEvents(positions[7], 3)).toEqual({ removed: 3, remaining: true });
      expect(await store.removeExpiredEvents(positions[7], 3)).toEqual({ removed: 1, remaining: false });
      expect(await store.removeExpiredEvents(positions[7], 3)).toEqual({ removed: 0, remaining: false });
      expect(await streamsAt()).toEqual(['rules-a@1', 'rules-a@2']);
      expect(await store.retentionHorizon()).toBe(positions[7]);
    });

    it('continues a stream after its events were removed, at the next version and a higher position', async () => {
      const positions = await appendMixed();
      await store.removeExpiredEvents(positions[7], 100);
      expect(await store.readStream('client-a')).toEqual([]);
      expect(await store.headPosition()).toBe(positions[7]);
      const next = await store.append('client-a', newEvents(1, 'ClientConnected'), 'any');
      expect(next.version).toBe(4);
      expect(next.position).toBeGreaterThan(positions[7]);
      await expect(store.append('client-a', newEvents(1), 3)).rejects.toMatchObject({ actual: 4 });
      expect(await store.readStream('client-a')).toMatchObject([{ version: 4, type: 'ClientConnected' }]);
    });

    it('reads what is left in order, by stream and globally, with filters', async () => {
      const positions = await appendMixed();
      await store.removeExpiredEvents(positions[4], 100);
      expect(positionsOf(await store.readAll(0))).toEqual([2, 5, 6, 7].map((i) => positions[i]));
      expect(positionsOf(await store.readAll(positions[5], { limit: 2 }))).toEqual([
        positions[6],
        positions[7],
      ]);
      const clients = await store.readAll(0, { filter: { streamPrefixes: ['client-'] } });
      expect(clients.map((event) => `${event.stream}@${event.version}`)).toEqual([
        'client-b@1',
        'client-a@3',
      ]);
      expect((await store.readStream('delivery-a')).map((event) => event.version)).toEqual([]);
      expect((await store.readStream('client-a', 1)).map((event) => event.version)).toEqual([3]);
    });

    it('keeps the horizon across a reopen, and never lowers it', async () => {
      const positions = await appendMixed();
      await store.removeExpiredEvents(positions[5], 100);
      await store.removeExpiredEvents(positions[1], 100);
      expect(await store.retentionHorizon()).toBe(positions[5]);
      await store.close();
      const reopened = await context.open();
      expect(await reopened.retentionHorizon()).toBe(positions[5]);
      expect(positionsOf(await reopened.readAll(0))).toEqual([2, 6, 7].map((i) => positions[i]));
    });

    it('never raises the horizon past the head, whatever position is asked', async () => {
      expect(await store.retentionHorizon()).toBe(0);
      const positions = await appendMixed();
      await store.removeExpiredEvents(positions[7] + 1000, 100);
      expect(await store.retentionHorizon()).toBe(positions[7]);
      expect(await store.headPosition()).toBe(positions[7]);
      const next = await store.append('delivery-a', newEvents(1), 'any');
      expect(next).toMatchObject({ version: 3 });
      expect(await store.removeExpiredEvents(next.position - 1, 100)).toEqual({
        removed: 0,
        remaining: false,
      });
      expect(positionsOf(await store.readAll(0))).toEqual([positions[2], positions[6], next.position]);
    });

    it('keeps control-plane streams forever, even when asked to remove through the head', async () => {
      const kept = await store.append('rules-a', newEvents(3), 'any');
      await store.append('redelivery-replay-1', newEvents(1), 'any');
      await store.append('Client-upper', newEvents(1), 'any');
      expect(await store.removeExpiredEvents(kept.position + 10, 100)).toEqual({
        removed: 0,
        remaining: false,
      });
      expect((await store.readAll(0)).map((event) => event.stream)).toEqual([
        'rules-a',
        'rules-a',
        'rules-a',
        'redelivery-replay-1',
        'Client-upper',
      ]);
    });

    it('still rejects a stored event ID after a removal', async () => {
      const positions = await appendMixed();
      await store.removeExpiredEvents(positions[4], 100);
      const [kept] = await store.readStream('client-b');
      const error = await rejectionOf(
        store.append('client-b', [newEvent('ClientConnected', {}, kept.eventId)], 'any'),
      );
      expect(error).toBeInstanceOf(DuplicateEventError);
      expect(error).toMatchObject({ eventId: kept.eventId });
      expect(positionsOf(await store.readAll(0))).toEqual([2, 5, 6, 7].map((i) => positions[i]));
    });
  });
}

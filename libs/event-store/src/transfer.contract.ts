import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import {
  copyStore,
  INCOMPLETE_COPY_LEASE,
  StoreCopyRefusedError,
  verifyCopy,
  type CopyProgress,
} from './copy-store.js';
import type { EventStore } from './event-store.port.js';
import {
  ContractContext,
  newEvent,
  newEvents,
  positionsOf,
  rejectionOf,
  type EventStoreFixtureFactory,
} from './testing/contract-support.js';

const NOW = 1_764_000_000_000;
const COLLECTIONS = ['rules', 'client-status'];

/**
 * Copying a store into another (`npm run migrate-store`), as every pair of adapters must show it. Both fixtures
 * open their stores with EXPIRING_PREFIXES; `batchSize: 2` makes every table take several batches.
 */
export function describeTransferContract(
  name: string,
  sourceFactory: EventStoreFixtureFactory,
  targetFactory: EventStoreFixtureFactory,
): void {
  describe(`${name}: copying a store`, () => {
    const sources = new ContractContext();
    const targets = new ContractContext();
    let source: EventStore;
    let target: EventStore;
    beforeEach(async () => {
      await sources.setUp(sourceFactory);
      await targets.setUp(targetFactory);
      source = await sources.open();
      target = await targets.open();
    });
    afterEach(async () => {
      await sources.tearDown();
      await targets.tearDown();
    });

    /** Four streams; retention's gap at 2–5 (delivery-a's events all gone, client-a's first two); checkpoints, documents. */
    async function fillSource(): Promise<void> {
      const rule = newEvent('RuleCreated', { topic: 't', nested: { z: 1, a: [1, 'x', null] } });
      await source.append('rules-a', [rule], 'no_stream');
      await source.append('client-a', newEvents(2, 'ClientConnected', { clientId: 'a' }), 'no_stream');
      await source.append('delivery-a', newEvents(2, 'DeliverySucceeded'), 'no_stream');
      await source.append('client-a', newEvents(1, 'ClientDisconnected', { clientId: 'a' }), 2);
      const { position } = await source.append('client-b', newEvents(3, 'ClientConnected'), 'any');
      await source.removeExpiredEvents(5, 100);
      await source.saveCheckpoints([
        { name: 'dispatch/partition-0', position },
        { name: 'client-status', position: 5 },
      ]);
      await source.commitProjection('rules-view', 3, {
        upserts: [
          { collection: 'rules', id: 'rule-1', document: { ruleId: 'rule-1', topic: 't' } },
          { collection: 'rules', id: 'rule-2', document: { ruleId: 'rule-2', tags: ['a', 'b'] } },
          { collection: 'rules', id: 'rule-3', document: { ruleId: 'rule-3' } },
          { collection: 'client-status', id: 'GID_x@@@a', document: { online: false, since: 2 } },
        ],
      });
    }

    async function tables(store: EventStore) {
      const documents = await Promise.all(COLLECTIONS.map((collection) => store.readDocuments(collection)));
      return {
        events: await store.readAll(0, { limit: 100 }),
        streams: await store.exportStreams('', 100),
        checkpoints: await store.exportCheckpoints('', 100),
        documents,
        head: await store.headPosition(),
        horizon: await store.retentionHorizon(),
      };
    }

    it('copies events with their positions and gaps, streams, checkpoints, documents and the horizon', async () => {
      await fillSource();
      const progress: CopyProgress[] = [];
      const summary = await copyStore(source, target, {
        batchSize: 2,
        now: NOW,
        onProgress: (p) => progress.push(p),
      });
      const copied = await tables(target);
      expect(copied).toEqual(await tables(source));
      expect(positionsOf(copied.events)).toEqual([1, 6, 7, 8, 9]);
      expect(copied.streams).toEqual([
        { stream: 'client-a', version: 3 },
        { stream: 'client-b', version: 3 },
        { stream: 'delivery-a', version: 2 },
        { stream: 'rules-a', version: 1 },
      ]);
      expect(await target.loadCheckpoint('dispatch/partition-0')).toBe(9);
      expect(summary).toMatchObject({
        events: 5,
        streams: 4,
        checkpoints: 3,
        documents: 4,
        headPosition: 9,
        retentionHorizon: 5,
      });
      expect(progress.filter((p) => p.table === 'events').map((p) => p.copied)).toEqual([2, 4, 5]);
      expect(progress.at(-1)).toEqual({ table: 'documents', copied: 4, of: 4 });
      expect(await target.readLeases('')).toEqual([]);
    });

    it('continues every stream on the copy at its next version, and positions above the source head', async () => {
      await fillSource();
      await copyStore(source, target, { batchSize: 2, now: NOW });
      const delivery = await target.append('delivery-a', newEvents(1), 'any');
      expect(delivery).toEqual({ stream: 'delivery-a', version: 3, position: 10 });
      await expect(target.append('client-a', newEvents(1), 2)).rejects.toMatchObject({ actual: 3 });
      expect(await target.append('client-a', newEvents(1), 3)).toMatchObject({ version: 4, position: 11 });
      const [rule] = await source.readStream('rules-a');
      await expect(
        target.append('rules-b', [newEvent('RuleCreated', {}, rule.eventId)], 'any'),
      ).rejects.toMatchObject({
        eventId: rule.eventId,
      });
    });

    it('copies an empty store: appends on the copy start at position 1', async () => {
      expect(await copyStore(source, target, { now: NOW })).toMatchObject({ events: 0, headPosition: 0 });
      expect(await target.append('rules-a', newEvents(1), 'no_stream')).toMatchObject({ position: 1 });
    });

    it('keeps the head when retention removed the last events', async () => {
      await source.append('client-a', newEvents(3), 'any');
      await source.removeExpiredEvents(3, 100);
      const summary = await copyStore(source, target, { now: NOW });
      expect(summary).toMatchObject({ events: 0, streams: 1, headPosition: 3, retentionHorizon: 3 });
      expect(await target.headPosition()).toBe(3);
      expect(await target.append('client-a', newEvents(1), 3)).toEqual({
        stream: 'client-a',
        version: 4,
        position: 4,
      });
    });

    it('refuses a target that is not empty, naming what it holds, and writes nothing', async () => {
      await fillSource();
      await target.append('rules-z', newEvents(1), 'any');
      await target.saveCheckpoint('client-status', 1);
      const error = await rejectionOf(copyStore(source, target, { now: NOW }));
      expect(error).toBeInstanceOf(StoreCopyRefusedError);
      expect((error as Error).message).toContain('is not empty: it holds 1 events, 1 streams, 1 checkpoints');
      expect(await target.countRows()).toEqual({ events: 1, streams: 1, checkpoints: 1, documents: 0 });
      expect(await target.readLeases('')).toEqual([]);
    });

    it('refuses a source with live leases (apps running), naming lease and owner; expired ones do not count', async () => {
      await fillSource();
      await source.acquireLeases('dispatch-node-1', ['dispatch/partition-3'], 30_000, NOW - 1_000);
      await source.acquireLeases('old-node', ['retention'], 30_000, NOW - 60_000);
      const error = await rejectionOf(copyStore(source, target, { now: NOW }));
      expect(error).toBeInstanceOf(StoreCopyRefusedError);
      expect((error as Error).message).toMatch(
        /in use: live lease dispatch\/partition-3 held by dispatch-node-1 until .*Stop the apps first/,
      );
      expect(await target.countRows()).toEqual({ events: 0, streams: 0, checkpoints: 0, documents: 0 });
      await source.releaseLeases('dispatch-node-1', ['dispatch/partition-3']);
      await copyStore(source, target, { now: NOW });
      expect(await target.readLeases('')).toEqual([]);
    });

    it('leaves a failed copy marked incomplete, so a second run refuses it until it is dropped', async () => {
      await fillSource();
      let imports = 0;
      const failing = new Proxy(target, {
        get(store, property) {
          const value = Reflect.get(store, property) as unknown;
          if (property !== 'importRows' || typeof value !== 'function') return value;
          return (...args: unknown[]) => {
            if (++imports === 2) return Promise.reject(new Error('disk full'));
            return value.apply(store, args);
          };
        },
      });
      await expect(copyStore(source, failing, { batchSize: 2, now: NOW })).rejects.toThrow('disk full');
      expect((await target.readLeases('')).map((lease) => lease.name)).toEqual([INCOMPLETE_COPY_LEASE]);
      const error = await rejectionOf(copyStore(source, target, { now: NOW }));
      expect((error as Error).message).toContain('holds an incomplete copy');
      expect((error as Error).message).toContain('run migrate-store again');
    });

    it('verifies the copy against the source, naming every field that differs', async () => {
      await fillSource();
      const summary = await copyStore(source, target, { now: NOW });
      await verifyCopy(target, summary);
      await target.append('rules-a', newEvents(1), 'any');
      await expect(verifyCopy(target, summary)).rejects.toThrow(
        /differs from the source \(events: source 5, target 6; headPosition: source 9, target 10; eventsChecksum: /,
      );
    });
  });
}

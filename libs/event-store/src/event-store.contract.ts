import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { DuplicateEventError, WrongExpectedVersionError } from './errors.js';
import type { EventStore } from './event-store.port.js';
import { describeFollowLogContract } from './follow-log.contract.js';
import { describeReadAllContract } from './read-all.contract.js';
import { describeDocumentsContract } from './documents.contract.js';
import { describeLeasesContract } from './leases.contract.js';
import { describeLogFeedContract } from './log-feed.contract.js';
import {
  ContractContext,
  newEvent,
  newEvents,
  positionsOf,
  rejectionOf,
  type EventStoreFixtureFactory,
} from './testing/contract-support.js';

export type { EventStoreFixture, EventStoreFixtureFactory } from './testing/contract-support.js';

/** The behaviour every EventStore adapter must show; each adapter's spec calls this with its fixture factory. */
export function describeEventStoreContract(name: string, factory: EventStoreFixtureFactory): void {
  describe(`${name}: EventStore contract`, () => {
    const context = new ContractContext();
    let store: EventStore;
    beforeEach(async () => {
      await context.setUp(factory);
      store = await context.open();
    });
    afterEach(() => context.tearDown());

    it('starts empty', async () => {
      expect(await store.headPosition()).toBe(0);
      expect(await store.readStream('rules-a')).toEqual([]);
      expect(await store.readAll(0)).toEqual([]);
      expect(await store.loadCheckpoint('dispatch')).toBe(0);
    });

    it('appends to a new stream with no_stream and reads it back in version order', async () => {
      const events = [
        newEvent('RuleCreated', { ruleId: 'r1', topic: 't' }),
        newEvent('RuleDisabled', { ruleId: 'r1' }),
      ];
      const result = await store.append('rules-a', events, 'no_stream');
      const stored = await store.readStream('rules-a');
      expect(
        stored.map(({ stream, version, eventId, type, data, metadata }) => ({
          stream,
          version,
          eventId,
          type,
          data,
          metadata,
        })),
      ).toEqual(events.map((event, index) => ({ ...event, stream: 'rules-a', version: index + 1 })));
      expect(stored[1].position).toBeGreaterThan(stored[0].position);
      expect(result).toEqual({ stream: 'rules-a', version: 2, position: stored[1].position });
      expect(await store.headPosition()).toBe(stored[1].position);
    });

    it('rejects no_stream on an existing stream and writes nothing', async () => {
      const first = await store.append('rules-a', [newEvent('RuleCreated')], 'no_stream');
      const error = await rejectionOf(store.append('rules-a', [newEvent('RuleCreated')], 'no_stream'));
      expect(error).toBeInstanceOf(WrongExpectedVersionError);
      expect(error).toMatchObject({
        stream: 'rules-a',
        expected: 'no_stream',
        actual: 1,
        code: 'WRONG_EXPECTED_VERSION',
      });
      expect((await store.readStream('rules-a')).map((event) => event.version)).toEqual([1]);
      expect(await store.headPosition()).toBe(first.position);
    });

    it('appends at the expected version and rejects a stale one without writing', async () => {
      await store.append('rules-a', newEvents(2), 'no_stream');
      const next = await store.append('rules-a', [newEvent('RuleChanged')], 2);
      expect(next.version).toBe(3);
      const error = await rejectionOf(
        store.append('rules-a', [newEvent('RuleChanged'), newEvent('RuleChanged')], 2),
      );
      expect(error).toBeInstanceOf(WrongExpectedVersionError);
      expect(error).toMatchObject({ stream: 'rules-a', expected: 2, actual: 3 });
      expect((await store.readStream('rules-a')).map((event) => event.type)).toEqual([
        'Something',
        'Something',
        'RuleChanged',
      ]);
      expect(await store.headPosition()).toBe(next.position);
    });

    it('treats expected version 0 as a stream that does not exist yet', async () => {
      expect((await store.append('rules-a', [newEvent('RuleCreated')], 0)).version).toBe(1);
      await expect(store.append('rules-a', [newEvent('RuleCreated')], 0)).rejects.toMatchObject({
        actual: 1,
      });
    });

    it("assigns the next versions with 'any'", async () => {
      expect((await store.append('client-c1', newEvents(2), 'any')).version).toBe(2);
      await store.append('client-c2', newEvents(1), 'any');
      expect((await store.append('client-c1', newEvents(3), 'any')).version).toBe(5);
      expect((await store.readStream('client-c1')).map((event) => event.version)).toEqual([1, 2, 3, 4, 5]);
      expect((await store.readStream('client-c2')).map((event) => event.version)).toEqual([1]);
    });

    it('reads a stream from a given version', async () => {
      await store.append('client-c1', newEvents(5), 'no_stream');
      const tail = await store.readStream('client-c1', 4);
      expect(tail.map((event) => [event.version, event.data.index])).toEqual([
        [4, 3],
        [5, 4],
      ]);
    });

    it('appends to several streams in one batch, continuing a stream that appears twice', async () => {
      await store.append('client-b', newEvents(1), 'no_stream');
      const results = await store.appendMany([
        { stream: 'client-a', events: newEvents(2), expectedVersion: 'no_stream' },
        { stream: 'client-b', events: newEvents(1), expectedVersion: 1 },
        { stream: 'client-a', events: newEvents(1), expectedVersion: 2 },
      ]);
      const all = await store.readAll(0);
      const positionOf = (stream: string, version: number) =>
        all.find((event) => event.stream === stream && event.version === version)?.position;
      expect(results).toEqual([
        { stream: 'client-a', version: 2, position: positionOf('client-a', 2) },
        { stream: 'client-b', version: 2, position: positionOf('client-b', 2) },
        { stream: 'client-a', version: 3, position: positionOf('client-a', 3) },
      ]);
      expect(all.map((event) => `${event.stream}@${event.version}`)).toEqual([
        'client-b@1',
        'client-a@1',
        'client-a@2',
        'client-b@2',
        'client-a@3',
      ]);
    });

    it('writes nothing for any stream of a batch when one stream conflicts', async () => {
      const before = await store.append('rules-b', newEvents(1), 'no_stream');
      const error = await rejectionOf(
        store.appendMany([
          { stream: 'rules-a', events: newEvents(2), expectedVersion: 'no_stream' },
          { stream: 'rules-b', events: newEvents(1), expectedVersion: 'no_stream' },
        ]),
      );
      expect(error).toMatchObject({ name: 'WrongExpectedVersionError', stream: 'rules-b', actual: 1 });
      expect(await store.readStream('rules-a')).toEqual([]);
      expect(positionsOf(await store.readAll(0))).toEqual([before.position]);
      // The failed batch left no version behind: the stream still accepts no_stream.
      expect((await store.append('rules-a', newEvents(1), 'no_stream')).version).toBe(1);
    });

    it('rejects an event ID that is already stored, writing nothing of the batch', async () => {
      const stored = newEvent('ClientConnected');
      const first = await store.append('client-a', [stored], 'any');
      const retry = [newEvent('ClientDisconnected'), newEvent('ClientConnected', {}, stored.eventId)];
      const error = await rejectionOf(
        store.appendMany([
          { stream: 'client-b', events: newEvents(1), expectedVersion: 'any' },
          { stream: 'client-a', events: retry, expectedVersion: 'any' },
        ]),
      );
      expect(error).toBeInstanceOf(DuplicateEventError);
      expect(error).toMatchObject({ eventId: stored.eventId, code: 'DUPLICATE_EVENT' });
      expect(positionsOf(await store.readAll(0))).toEqual([first.position]);
      expect((await store.append('client-b', newEvents(1), 'any')).version).toBe(1);
    });

    it('rejects a batch that carries the same event ID twice, writing nothing', async () => {
      const event = newEvent('ClientConnected');
      const error = await rejectionOf(
        store.appendMany([
          { stream: 'client-a', events: [event], expectedVersion: 'any' },
          {
            stream: 'client-b',
            events: [newEvent('ClientConnected', {}, event.eventId)],
            expectedVersion: 'any',
          },
        ]),
      );
      expect(error).toMatchObject({ name: 'DuplicateEventError', eventId: event.eventId });
      expect(await store.headPosition()).toBe(0);
    });

    it('only checks the expected version when an append has no events', async () => {
      const last = await store.append('rules-a', newEvents(2), 'no_stream');
      expect(await store.append('rules-a', [], 2)).toEqual({
        stream: 'rules-a',
        version: 2,
        position: last.position,
      });
      await expect(store.append('rules-a', [], 1)).rejects.toMatchObject({ actual: 2 });
      expect(await store.append('rules-b', [], 'no_stream')).toEqual({
        stream: 'rules-b',
        version: 0,
        position: 0,
      });
      expect(await store.headPosition()).toBe(last.position);
    });

    it('stores and overwrites named checkpoints', async () => {
      await store.saveCheckpoint('dispatch', 42);
      await store.saveCheckpoint('projections', 7);
      await store.saveCheckpoint('dispatch', 43);
      expect(await store.loadCheckpoint('dispatch')).toBe(43);
      expect(await store.loadCheckpoint('projections')).toBe(7);
    });

    describeReadAllContract(() => store);
    describeFollowLogContract(context, () => store);
    describeLogFeedContract(() => store);
    describeDocumentsContract(
      () => store,
      () => context.open(),
    );
    describeLeasesContract(
      () => store,
      () => context.open(),
    );
  });
}

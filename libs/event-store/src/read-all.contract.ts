import { beforeEach, describe, expect, it } from '@jest/globals';
import type { EventStore, ReadAllOptions } from './event-store.port.js';
import { newEvent } from './testing/contract-support.js';

/** readAll over a fixed log whose stream names trip naive prefix matching (`_`, `%`, letter case). */
export function describeReadAllContract(currentStore: () => EventStore): void {
  describe('readAll', () => {
    const log: Array<[stream: string, type: string]> = [
      ['client-a_1', 'ClientConnected'],
      ['client-ab1', 'ClientConnected'],
      ['Client-a_2', 'ClientConnected'],
      ['rules-x', 'RuleCreated'],
      ['p%q-1', 'ClientDisconnected'],
      ['pXq-1', 'ClientDisconnected'],
      ['client-a_1', 'ClientDisconnected'],
    ];
    let positions: number[];

    beforeEach(async () => {
      positions = [];
      // One append per event so the global order is the order of `log`.
      for (const [stream, type] of log) {
        positions.push((await currentStore().append(stream, [newEvent(type)], 'any')).position);
      }
    });

    /** The 1-based numbers (in `log`) of the events readAll returns. */
    async function read(after: number, options?: ReadAllOptions): Promise<number[]> {
      const events = await currentStore().readAll(after, options);
      return events.map((event) => positions.indexOf(event.position) + 1);
    }

    it('returns the events after a position, in position order, with their stream and type', async () => {
      const events = await currentStore().readAll(0);
      expect(events.map((event) => [event.stream, event.type])).toEqual(log);
      expect(await read(positions[2])).toEqual([4, 5, 6, 7]);
      expect(await read(positions[6])).toEqual([]);
    });

    it('keeps streams that start with a prefix, taken literally', async () => {
      expect(await read(0, { filter: { streamPrefixes: ['client-a_'] } })).toEqual([1, 7]);
      expect(await read(0, { filter: { streamPrefixes: ['client-a'] } })).toEqual([1, 2, 7]);
      expect(await read(0, { filter: { streamPrefixes: ['p%q'] } })).toEqual([5]);
      expect(await read(0, { filter: { streamPrefixes: ['rules-', 'p%'] } })).toEqual([4, 5]);
      expect(await read(0, { filter: { streamPrefixes: ['Client-'] } })).toEqual([3]);
    });

    it('keeps events of the given types, also combined with prefixes', async () => {
      expect(await read(0, { filter: { types: ['ClientDisconnected'] } })).toEqual([5, 6, 7]);
      expect(await read(0, { filter: { types: ['RuleCreated', 'ClientDisconnected'] } })).toEqual([
        4, 5, 6, 7,
      ]);
      const both = { streamPrefixes: ['client-'], types: ['ClientConnected'] };
      expect(await read(0, { filter: both })).toEqual([1, 2]);
    });

    it('treats an empty prefix or type list as matching nothing', async () => {
      expect(await read(0, { filter: { streamPrefixes: [] } })).toEqual([]);
      expect(await read(0, { filter: { types: [] } })).toEqual([]);
    });

    it('stops at the limit and at toPosition', async () => {
      expect(await read(positions[0], { limit: 2 })).toEqual([2, 3]);
      expect(await read(0, { toPosition: positions[2] })).toEqual([1, 2, 3]);
      const filtered = { filter: { types: ['ClientDisconnected'] }, toPosition: positions[5], limit: 10 };
      expect(await read(0, filtered)).toEqual([5, 6]);
    });
  });
}

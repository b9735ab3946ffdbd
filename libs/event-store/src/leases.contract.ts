import { describe, expect, it } from '@jest/globals';
import type { EventStore } from './event-store.port.js';

const T0 = 1_764_000_000_000;
const TTL = 10_000;

/** Leases (dispatch partitions): compare-and-set between processes sharing the store, and batched checkpoints. */
export function describeLeasesContract(
  currentStore: () => EventStore,
  reopen: () => Promise<EventStore>,
): void {
  describe('leases', () => {
    it('gives a free lease to the first owner; another gets it only once it has expired', async () => {
      const [a, b] = [currentStore(), await reopen()];
      expect(await a.acquireLeases('node-a', ['p/0', 'p/1'], TTL, T0)).toEqual(['p/0', 'p/1']);
      expect(await b.acquireLeases('node-b', ['p/1', 'p/2'], TTL, T0 + 1_000)).toEqual(['p/2']);
      expect(await b.acquireLeases('node-b', ['p/0'], TTL, T0 + TTL - 1)).toEqual([]);
      expect(await b.acquireLeases('node-b', ['p/0'], TTL, T0 + TTL)).toEqual(['p/0']);
      expect(await a.readLeases('p/')).toEqual([
        { name: 'p/0', owner: 'node-b', expiresAt: T0 + 2 * TTL },
        { name: 'p/1', owner: 'node-a', expiresAt: T0 + TTL },
        { name: 'p/2', owner: 'node-b', expiresAt: T0 + 1_000 + TTL },
      ]);
    });

    it("renews the owner's own leases and reports the ones it lost", async () => {
      const [a, b] = [currentStore(), await reopen()];
      await a.acquireLeases('node-a', ['p/0', 'p/1'], TTL, T0);
      expect(await a.acquireLeases('node-a', ['p/1', 'p/0'], TTL, T0 + 3_000)).toEqual(['p/1', 'p/0']);
      await b.acquireLeases('node-b', ['p/0'], TTL, T0 + 3_000 + TTL);
      // node-a renewed too late: p/0 has gone to node-b, p/1 had expired but was free, so node-a takes it again.
      expect(await a.acquireLeases('node-a', ['p/0', 'p/1'], TTL, T0 + 3_001 + TTL)).toEqual(['p/1']);
      expect((await a.readLeases('p/0')).map((lease) => lease.owner)).toEqual(['node-b']);
    });

    it('gives each lease to one owner when several ask at once', async () => {
      const stores = [currentStore(), await reopen(), await reopen()];
      const names = Array.from({ length: 8 }, (_, index) => `p/${index}`);
      const won = await Promise.all(
        stores.map((store, index) => store.acquireLeases(`node-${index}`, names, TTL, T0)),
      );
      expect(won.flat().sort()).toEqual(names);
      const owners = new Set((await stores[0]!.readLeases('p/')).map((lease) => lease.owner));
      expect(owners.size).toBe(won.filter((held) => held.length > 0).length);
    });

    it("releases only the owner's leases, which are then free for anyone", async () => {
      const [a, b] = [currentStore(), await reopen()];
      await a.acquireLeases('node-a', ['p/0', 'p/1'], TTL, T0);
      await b.releaseLeases('node-b', ['p/0']);
      await a.releaseLeases('node-a', ['p/1']);
      expect((await b.readLeases('p/')).map((lease) => lease.name)).toEqual(['p/0']);
      expect(await b.acquireLeases('node-b', ['p/0', 'p/1'], TTL, T0 + 1)).toEqual(['p/1']);
    });

    it('reads leases by literal name prefix', async () => {
      const store = currentStore();
      await store.acquireLeases('x', ['d/member/a', 'd/p_1', 'd/pX1', 'e/p_1'], TTL, T0);
      expect((await store.readLeases('d/p_')).map((lease) => lease.name)).toEqual(['d/p_1']);
      expect((await store.readLeases('d/')).map((lease) => lease.name)).toEqual([
        'd/member/a',
        'd/pX1',
        'd/p_1',
      ]);
      expect(await store.acquireLeases('x', [], TTL, T0)).toEqual([]);
    });

    it('saves several checkpoints in one call', async () => {
      const store = currentStore();
      await store.saveCheckpoint('dispatch/p0', 3);
      await store.saveCheckpoints([
        { name: 'dispatch/p0', position: 9 },
        { name: 'dispatch/p1', position: 7 },
      ]);
      await store.saveCheckpoints([]);
      expect(await (await reopen()).loadCheckpoint('dispatch/p0')).toBe(9);
      expect(await store.loadCheckpoint('dispatch/p1')).toBe(7);
    });
  });
}

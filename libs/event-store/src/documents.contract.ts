import { describe, expect, it } from '@jest/globals';
import { ProjectionConflictError } from './errors.js';
import type { EventStore } from './event-store.port.js';

/** Read-model documents: changes and checkpoint commit together; a reset empties them for a rebuild. */
export function describeDocumentsContract(
  currentStore: () => EventStore,
  reopen: () => Promise<EventStore>,
): void {
  describe('read-model documents', () => {
    it('commits upserts, deletes and the checkpoint together, and reads a collection in ID order', async () => {
      const store = currentStore();
      await store.commitProjection('rules-view', 3, {
        upserts: [
          { collection: 'rules', id: 'b', document: { ruleId: 'b', status: 'ENABLED' } },
          { collection: 'rules', id: 'a', document: { ruleId: 'a', nested: { topic: 't' } } },
          { collection: 'groups', id: 'GID_x', document: { groupId: 'GID_x' } },
        ],
      });
      await store.commitProjection('rules-view', 5, {
        upserts: [{ collection: 'rules', id: 'b', document: { ruleId: 'b', status: 'DISABLED' } }],
        deletes: [{ collection: 'rules', id: 'a' }],
      });
      expect(await store.readDocuments('rules')).toEqual([
        { id: 'b', document: { ruleId: 'b', status: 'DISABLED' } },
      ]);
      expect(await store.readDocuments('groups')).toEqual([{ id: 'GID_x', document: { groupId: 'GID_x' } }]);
      expect(await store.loadCheckpoint('rules-view')).toBe(5);
      expect(await store.readDocumentsById('groups', ['GID_y', 'GID_x'])).toEqual([
        { id: 'GID_x', document: { groupId: 'GID_x' } },
      ]);
      expect(await store.readDocumentsById('rules', [])).toEqual([]);
      const other = await reopen();
      expect(await other.readDocuments('rules')).toEqual([
        { id: 'b', document: { ruleId: 'b', status: 'DISABLED' } },
      ]);
    });

    it('commits only from the expected checkpoint when one is given, so two runners never apply a batch twice', async () => {
      const [first, second] = [currentStore(), await reopen()];
      await first.commitProjection(
        'shared',
        10,
        { upserts: [{ collection: 'c', id: 'x', document: { n: 1 } }] },
        0,
      );
      const lost = second.commitProjection(
        'shared',
        10,
        { upserts: [{ collection: 'c', id: 'x', document: { n: 2 } }] },
        0,
      );
      await expect(lost).rejects.toBeInstanceOf(ProjectionConflictError);
      expect(await first.readDocuments('c')).toEqual([{ id: 'x', document: { n: 1 } }]);
      await second.commitProjection(
        'shared',
        12,
        { upserts: [{ collection: 'c', id: 'x', document: { n: 3 } }] },
        10,
      );
      expect(await first.loadCheckpoint('shared')).toBe(12);
    });

    it('reads and counts the IDs with a prefix as a page, in byte order, and nothing beside the prefix', async () => {
      const store = currentStore();
      const ids = [
        'GID_a@@@2',
        'GID_a@@@10',
        'GID_a@@@1',
        'GID_ab@@@1',
        'GID_a@@A',
        'GID_a@@@é',
        'GID_`@@@1',
      ];
      await store.commitProjection('clients-view', 1, {
        upserts: ids.map((id) => ({ collection: 'clients', id, document: { id } })),
      });
      const group = await store.readDocuments('clients', { idPrefix: 'GID_a@@@' });
      expect(group.map((d) => d.id)).toEqual(['GID_a@@@1', 'GID_a@@@10', 'GID_a@@@2', 'GID_a@@@é']);
      const page = await store.readDocuments('clients', { idPrefix: 'GID_a@@@', offset: 1, limit: 2 });
      expect(page.map((d) => d.id)).toEqual(['GID_a@@@10', 'GID_a@@@2']);
      expect(await store.countDocuments('clients', 'GID_a@@@')).toBe(4);
      expect(await store.countDocuments('clients')).toBe(ids.length);
      expect(await store.countDocuments('clients', 'GID_z@@@')).toBe(0);
      expect((await store.readDocuments('clients', { limit: 2 })).map((d) => d.id)).toEqual([
        'GID_`@@@1',
        'GID_a@@@1',
      ]);
    });

    it('resets a projection: its checkpoint and collections go, others stay', async () => {
      const store = currentStore();
      await store.commitProjection('view', 7, {
        upserts: [
          { collection: 'view.items', id: '1', document: { n: 1 } },
          { collection: 'other.items', id: '1', document: { n: 2 } },
        ],
      });
      await store.saveCheckpoint('dispatch', 4);
      await store.resetProjection('view', ['view.items']);
      expect(await store.loadCheckpoint('view')).toBe(0);
      expect(await store.readDocuments('view.items')).toEqual([]);
      expect(await store.readDocuments('other.items')).toEqual([{ id: '1', document: { n: 2 } }]);
      expect(await store.loadCheckpoint('dispatch')).toBe(4);
    });
  });
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventStore } from '../event-store.port.js';
import { describeEventStoreContract } from '../event-store.contract.js';
import { SqliteEventStore } from './sqlite.event-store.js';

describeEventStoreContract('SQLite', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'event-store-'));
  // A folder that does not exist yet: the adapter creates it.
  const path = join(directory, 'data', 'events.db');
  const opened: EventStore[] = [];
  return {
    async open() {
      const store = await SqliteEventStore.open(path);
      opened.push(store);
      return store;
    },
    async dispose() {
      await Promise.all(opened.map((store) => store.close()));
      rmSync(directory, { recursive: true, force: true });
    },
  };
});

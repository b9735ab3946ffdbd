import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EventStore } from '../event-store.port.js';
import { describeEventStoreContract } from '../event-store.contract.js';
import { SqliteEventStore, type SqliteEventStoreOptions } from './sqlite.event-store.js';

/** The append thread runs compiled code: the build's (`npm test` builds before jest runs). */
const BUILT_APPEND_THREAD = new URL(
  '../../../../dist/libs/event-store/src/sqlite/sqlite.append-thread.js',
  import.meta.url,
);

function sqliteStores(options: SqliteEventStoreOptions = {}) {
  return async () => {
    const directory = mkdtempSync(join(tmpdir(), 'event-store-'));
    // A folder that does not exist yet: the adapter creates it.
    const path = join(directory, 'data', 'events.db');
    const opened: EventStore[] = [];
    return {
      async open() {
        const store = await SqliteEventStore.open(path, options);
        opened.push(store);
        return store;
      },
      async dispose() {
        await Promise.all(opened.map((store) => store.close()));
        rmSync(directory, { recursive: true, force: true });
      },
    };
  };
}

describeEventStoreContract('SQLite', sqliteStores());

if (!existsSync(fileURLToPath(BUILT_APPEND_THREAD))) {
  throw new Error(`${fileURLToPath(BUILT_APPEND_THREAD)} is missing: run npm run build before these tests`);
}
describeEventStoreContract(
  'SQLite, appending on a worker thread',
  sqliteStores({ appendThread: { script: BUILT_APPEND_THREAD } }),
);

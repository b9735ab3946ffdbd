import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventStore } from '../event-store.port.js';
import { describeEventStoreContract } from '../event-store.contract.js';
import { describeRetentionContract, EXPIRING_PREFIXES } from '../retention.contract.js';
import { describeTransferContract } from '../transfer.contract.js';
import { builtAppendThread } from '../testing/built-append-thread.js';
import { SqliteEventStore, type SqliteEventStoreOptions } from './sqlite.event-store.js';

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

describeEventStoreContract(
  'SQLite, appending on a worker thread',
  sqliteStores({ appendThread: { script: builtAppendThread() } }),
);

describeRetentionContract('SQLite', sqliteStores({ expiringStreamPrefixes: EXPIRING_PREFIXES }));

describeRetentionContract(
  'SQLite, appending on a worker thread',
  sqliteStores({ expiringStreamPrefixes: EXPIRING_PREFIXES, appendThread: { script: builtAppendThread() } }),
);

describeTransferContract(
  'SQLite to SQLite',
  sqliteStores({ expiringStreamPrefixes: EXPIRING_PREFIXES }),
  sqliteStores({ expiringStreamPrefixes: EXPIRING_PREFIXES }),
);

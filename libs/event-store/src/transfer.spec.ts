import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { postgresFixture } from './postgres/postgres.fixture.js';
import { EXPIRING_PREFIXES } from './retention.contract.js';
import { SqliteEventStore } from './sqlite/sqlite.event-store.js';
import type { EventStoreFixture } from './testing/contract-support.js';
import { describeTransferContract } from './transfer.contract.js';

/** The copies between adapters: SQLite to PostgreSQL (the move the tool is for), and back (its rollback). */
async function sqliteStore(): Promise<EventStoreFixture> {
  const directory = mkdtempSync(join(tmpdir(), 'event-store-transfer-'));
  const opened: SqliteEventStore[] = [];
  return {
    async open() {
      const store = await SqliteEventStore.open(join(directory, 'events.db'), {
        expiringStreamPrefixes: EXPIRING_PREFIXES,
      });
      opened.push(store);
      return store;
    },
    async dispose() {
      await Promise.all(opened.map((store) => store.close()));
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

async function postgresStore(): Promise<EventStoreFixture> {
  const fixture = await postgresFixture();
  return { ...fixture, open: () => fixture.open({ expiringStreamPrefixes: EXPIRING_PREFIXES }) };
}

describeTransferContract('SQLite to PostgreSQL', sqliteStore, postgresStore);

describeTransferContract('PostgreSQL to SQLite', postgresStore, sqliteStore);

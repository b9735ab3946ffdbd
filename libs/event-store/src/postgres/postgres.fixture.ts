/* Test support for the PostgreSQL specs: a throw-away schema per test on the server named by PG_URL. */
import pg from 'pg';
import type { EventStoreFixture } from '../testing/contract-support.js';
import { PostgresEventStore, type PostgresEventStoreOptions } from './postgres.event-store.js';

export const PG_URL = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface PostgresFixture extends EventStoreFixture {
  schema: string;
  /** A plain connection outside the store, for what only a test does (holding locks, terminating backends). */
  admin: pg.Client;
  open(options?: Partial<PostgresEventStoreOptions>): Promise<PostgresEventStore>;
}

let created = 0;

/** Never skips: when the server cannot be reached, every test fails with a message naming PG_URL. */
export async function postgresFixture(): Promise<PostgresFixture> {
  const admin = await connect();
  const schema = `es_test_${process.pid}_${Date.now().toString(36)}_${++created}`;
  const opened: PostgresEventStore[] = [];
  return {
    schema,
    admin,
    async open(options = {}) {
      const store = await PostgresEventStore.connect({ connectionString: PG_URL, schema, ...options });
      opened.push(store);
      return store;
    },
    async dispose() {
      await Promise.all(opened.map((store) => store.close()));
      // A test that failed while holding a transaction open would otherwise roll the DROP back with it.
      await admin.query('ROLLBACK');
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
    },
  };
}

async function connect(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    return client;
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new Error(
      `PostgreSQL is unreachable at PG_URL=${redacted(PG_URL)} (${(error as Error).message}). ` +
        'These tests need a real server: start it, or set PG_URL to one (e.g. postgres://postgres@127.0.0.1:5432/test).',
      { cause: error },
    );
  }
}

function redacted(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable URL)';
  }
}

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { EventStore } from '../event-store.port.js';
import { openEventStore } from '../open-event-store.js';
import { newEvent, sleep, waitFor } from '../testing/contract-support.js';
import { PG_URL, postgresFixture, type PostgresFixture } from './postgres.fixture.js';

describe('PostgreSQL: notifications and connection handling', () => {
  let fixture: PostgresFixture;
  beforeEach(async () => {
    fixture = await postgresFixture();
  });
  afterEach(() => fixture.dispose());

  /** A listener on a store whose fallback poll is too slow to matter: only NOTIFY can wake it in time. */
  async function listenWithoutFallback(): Promise<{ calls: () => number; store: EventStore }> {
    const store = await fixture.open({ fallbackPollMs: 600_000 });
    let calls = 0;
    store.onAppended(() => calls++);
    await waitFor('the first wake-up of a new listener', () => calls > 0);
    await sleep(200);
    return { calls: () => calls, store };
  }

  async function expectWokenByAppendOfAnotherInstance(calls: () => number): Promise<void> {
    const writer = await fixture.open();
    const before = calls();
    await writer.append('client-a', [newEvent('ClientConnected')], 'any');
    await waitFor('a wake-up by NOTIFY', () => calls() > before, 2_000);
  }

  it('wakes listeners through NOTIFY, without waiting for the fallback poll', async () => {
    const { calls } = await listenWithoutFallback();
    await expectWokenByAppendOfAnotherInstance(calls);
  });

  it('listens again after its LISTEN connection is killed', async () => {
    const { calls } = await listenWithoutFallback();
    const applicationName = `event-store-listen ${fixture.schema}`.slice(0, 63);
    const listenerPids = async () =>
      (
        await fixture.admin.query<{ pid: number }>(
          'SELECT pid FROM pg_stat_activity WHERE application_name = $1',
          [applicationName],
        )
      ).rows.map((row) => row.pid);
    const [killed] = await listenerPids();
    await fixture.admin.query('SELECT pg_terminate_backend($1)', [killed]);

    await waitFor('a new LISTEN connection', async () => {
      const pids = await listenerPids();
      return pids.length === 1 && pids[0] !== killed;
    });
    await sleep(200);
    await expectWokenByAppendOfAnotherInstance(calls);
  });

  it('describes itself without the password', async () => {
    const url = new URL(PG_URL);
    if (!url.password) url.password = 'not-to-be-logged';
    const store = await openEventStore(url.toString(), { schema: fixture.schema });
    try {
      const database = url.pathname.slice(1);
      expect(store.description).toBe(
        `postgres://${url.hostname}:${url.port || 5432}/${database} (schema ${fixture.schema})`,
      );
      expect(store.description).not.toContain(url.password);
    } finally {
      await store.close();
    }
  });
});

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { AppendResult, RecordedEvent } from '../event-store.port.js';
import { followLog, type Following } from '../follow-log.js';
import {
  isStrictlyIncreasing,
  newEvent,
  newEvents,
  positionsOf,
  sleep,
  waitFor,
} from '../testing/contract-support.js';
import { postgresFixture, type PostgresFixture } from './postgres.fixture.js';
import { appendLockKey } from './postgres.names.js';

/*
 * With several writers PostgreSQL can commit a lower position after a higher one; a reader that moved past the
 * higher one would skip the late row forever. These tests prove the adapter's single appender prevents it.
 */
describe('PostgreSQL: positions become visible in order', () => {
  let fixture: PostgresFixture;
  let subscription: Following | undefined;
  let handled: RecordedEvent[];

  beforeEach(async () => {
    fixture = await postgresFixture();
    handled = [];
  });
  afterEach(async () => {
    await subscription?.stop();
    subscription = undefined;
    await fixture.dispose();
  });

  async function subscribeWithNewStore(): Promise<void> {
    const reader = await fixture.open();
    subscription = followLog(reader, {
      name: 'ordering',
      from: 'stored',
      batchSize: 50,
      handle: async ({ events }) => void handled.push(...events),
    });
    await subscription.caughtUp();
  }

  it('lets a subscriber see every event of two concurrent appenders once, in position order', async () => {
    const [writerA, writerB] = [await fixture.open(), await fixture.open()];
    await subscribeWithNewStore();
    const appendedIds: string[] = [];
    const batch = (writer: 'a' | 'b', index: number) =>
      Array.from({ length: 4 }, (_, streamIndex) => {
        const events = newEvents(5);
        appendedIds.push(...events.map((event) => event.eventId));
        return {
          stream: `client-${writer}${(index + streamIndex) % 7}`,
          events,
          expectedVersion: 'any' as const,
        };
      });
    await Promise.all(
      Array.from({ length: 25 }, (_, index) => [
        writerA.appendMany(batch('a', index)),
        writerB.appendMany(batch('b', index)),
      ]).flat(),
    );

    const head = await writerA.headPosition();
    await waitFor('the subscriber to reach the head', () => subscription?.position() === head);
    expect(handled).toHaveLength(1000);
    expect(new Set(handled.map((event) => event.eventId))).toEqual(new Set(appendedIds));
    expect(isStrictlyIncreasing(positionsOf(handled))).toBe(true);
    expect(positionsOf(handled)).toEqual(positionsOf(await writerA.readAll(0, { limit: 2000 })));
  });

  it('makes appends wait for a transaction holding a lower position, and the subscriber sees all in order', async () => {
    const [appenderA, appenderB] = [await fixture.open(), await fixture.open()];
    await subscribeWithNewStore();
    // A slow writer: holds the append lock and a position while later appends start.
    await fixture.admin.query('BEGIN');
    await fixture.admin.query('SELECT pg_advisory_xact_lock($1)', [appendLockKey(fixture.schema)]);
    const slowPosition = await insertRawEvent(fixture, 'client-slow');

    const committed: AppendResult[] = [];
    const record = (result: AppendResult) => void committed.push(result);
    const appendA = appenderA.append('client-a', [newEvent('ClientConnected')], 'any').then(record);
    const appendB = appenderB.append('client-b', [newEvent('ClientConnected')], 'any').then(record);
    await sleep(300);
    expect(committed).toEqual([]);
    expect(handled).toEqual([]);

    await fixture.admin.query('COMMIT');
    await Promise.all([appendA, appendB]);
    await waitFor('the subscriber to see all three events', () => handled.length === 3);
    // Commit order is position order: the slow transaction first, then the two appends it held back. (Which of
    // their promises resolves first is up to two connections' round trips, not the store: on a loaded machine the
    // later commit's answer was seen first.)
    const appended = [...committed].sort((x, y) => x.position - y.position);
    expect(positionsOf(handled)).toEqual([slowPosition, ...appended.map((result) => result.position)]);
    expect(handled.map((event) => event.stream)).toEqual([
      'client-slow',
      ...appended.map((result) => result.stream),
    ]);
    expect(isStrictlyIncreasing(positionsOf(handled))).toBe(true);
  });

  it('lets the subscriber pass the gap a rolled-back transaction leaves', async () => {
    const appender = await fixture.open();
    await subscribeWithNewStore();
    await fixture.admin.query('BEGIN');
    await fixture.admin.query('SELECT pg_advisory_xact_lock($1)', [appendLockKey(fixture.schema)]);
    const abandonedPosition = await insertRawEvent(fixture, 'client-slow');
    const append = appender.append('client-a', [newEvent('ClientConnected')], 'any');
    await sleep(200);
    await fixture.admin.query('ROLLBACK');

    const appended = await append;
    expect(appended.position).toBeGreaterThan(abandonedPosition);
    await waitFor('the subscriber to reach the append', () => subscription?.position() === appended.position);
    expect(handled.map((event) => [event.stream, event.position])).toEqual([['client-a', appended.position]]);
  });
});

/**
 * Inserts an event the way a slow appender would, inside the admin connection's open transaction. The store
 * is opened without expiring prefixes, so its events are kept ones.
 */
async function insertRawEvent(fixture: PostgresFixture, stream: string): Promise<number> {
  const event = newEvent('ClientConnected');
  const { rows } = await fixture.admin.query<{ position: string }>(
    `INSERT INTO "${fixture.schema}".events (event_id, stream, version, type, data, metadata, expiring)
     VALUES ($1, $2, 1, $3, $4, $5, false) RETURNING position`,
    [event.eventId, stream, event.type, JSON.stringify(event.data), JSON.stringify(event.metadata)],
  );
  return Number(rows[0].position);
}

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { DuplicateEventError } from '../errors.js';
import { newEvent, newEvents, positionsOf, rejectionOf, waitFor } from '../testing/contract-support.js';
import type { PostgresEventStore } from './postgres.event-store.js';
import { postgresFixture, type PostgresFixture } from './postgres.fixture.js';

const PREFIXES = ['client-'];

describe('PostgreSQL partitioned layout (ranges of 10 positions)', () => {
  let fixture: PostgresFixture;
  let store: PostgresEventStore;
  beforeEach(async () => {
    fixture = await postgresFixture();
    store = await fixture.open({
      expiringStreamPrefixes: PREFIXES,
      partitions: { rangeEvents: 10 },
      rangeRetryMs: 200,
    });
  });
  afterEach(() => fixture.dispose());

  const rangeTables = async () =>
    (
      await fixture.admin.query<{ relname: string }>(
        `SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = $1 AND relkind = 'r' AND relname LIKE 'events\\_from\\_%'`,
        [fixture.schema],
      )
    ).rows
      .map((row) => Number(row.relname.slice('events_from_'.length)))
      .sort((a, b) => a - b);
  const rowsIn = async (table: string) =>
    Number((await fixture.admin.query(`SELECT count(*) FROM "${fixture.schema}".${table}`)).rows[0].count);

  it('keeps control-plane events in events_kept and expiring ones in their position range', async () => {
    await store.append('rules-a', newEvents(2), 'any');
    await store.append('client-a', newEvents(13), 'any');
    expect(await rowsIn('events_kept')).toBe(2);
    expect([await rowsIn('events_from_1'), await rowsIn('events_from_11')]).toEqual([8, 5]);
  });

  it('drops a range once the horizon is past its end, deleting no row; the rest of a range is hidden', async () => {
    await store.append('rules-a', newEvents(1), 'any');
    const client = await store.append('client-a', newEvents(24), 'any');
    expect(await store.removeExpiredEvents(15, 100)).toEqual({ removed: 14, remaining: false });
    expect(await rangeTables()).not.toContain(1);
    // Positions 11–15 are past the horizon but still stored: removal moved the horizon, it deleted nothing.
    expect(await rowsIn('events_from_11')).toBe(10);
    expect(positionsOf(await store.readAll(0))).toEqual([1, ...Array.from({ length: 10 }, (_, i) => 16 + i)]);
    expect((await store.readStream('client-a')).map((event) => event.version)).toEqual(
      Array.from({ length: 10 }, (_, i) => 15 + i),
    );
    expect(await store.countRows()).toMatchObject({ events: 11 });
    expect(await store.removeExpiredEvents(client.position, 100)).toEqual({ removed: 10, remaining: false });
    expect(await rangeTables()).not.toContain(11);
    expect((await store.readAll(0)).map((event) => event.stream)).toEqual(['rules-a']);
  });

  it('makes the ranges ahead of the appends in the background', async () => {
    expect(await rangeTables()).toEqual([1, 11, 21]);
    await store.append('client-a', newEvents(15), 'any');
    await waitFor('the range ahead', async () => (await rangeTables()).includes(31));
    await store.append('client-a', newEvents(10), 'any');
    await waitFor('the next range ahead', async () => (await rangeTables()).includes(41));
    expect(await rangeTables()).toEqual([1, 11, 21, 31, 41]);
  });

  it('makes a missing range itself when the ranges ahead are not there (their DDL could not run)', async () => {
    await fixture.admin.query(`DROP TABLE "${fixture.schema}".events_from_21`);
    const other = await fixture.open();
    const appended = await other.append('client-a', newEvents(25), 'any');
    expect(appended).toMatchObject({ version: 25 });
    expect((await store.readStream('client-a')).map((event) => event.position)).toHaveLength(25);
  });

  it('rejects an event ID stored in another table: a closed range, events_kept, or a range for a kept event', async () => {
    const [first] = [newEvent('ClientConnected')];
    await store.append('client-a', [first], 'any');
    await store.append('client-a', newEvents(14), 'any');
    const rule = newEvent('RuleCreated');
    await store.append('rules-a', [rule], 'any');
    // Another process, which learns the closed ranges' bounds by itself.
    const other = await fixture.open();
    for (const [stream, event] of [
      ['client-b', first],
      ['client-b', rule],
      ['rules-b', first],
    ] as const) {
      const error = await rejectionOf(other.append(stream, [newEvent('X'), { ...event }], 'any'));
      expect(error).toBeInstanceOf(DuplicateEventError);
      expect(error).toMatchObject({ eventId: event.eventId });
    }
    expect(await other.readStream('client-b')).toEqual([]);
    const repeated = newEvent('X');
    expect(await rejectionOf(other.append('client-c', [repeated, repeated], 'any'))).toMatchObject({
      eventId: repeated.eventId,
    });
  });

  it('drops a range a long reader still holds later, and appends go on meanwhile', async () => {
    await store.append('client-a', newEvents(12), 'any');
    await fixture.admin.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    await fixture.admin.query(`SELECT count(*) FROM "${fixture.schema}".events`);
    const removal = store.removeExpiredEvents(10, 100);
    const latencies: number[] = [];
    for (let i = 0; i < 10; i++) {
      const started = performance.now();
      await store.append('client-a', newEvents(1), 'any');
      latencies.push(performance.now() - started);
    }
    expect(Math.max(...latencies)).toBeLessThan(300);
    expect(await removal).toEqual({ removed: 10, remaining: false });
    expect(await rangeTables()).toContain(1);
    // Not tried again at once: each try would wait for its lock, and report.
    expect(await store.removeExpiredEvents(10, 100)).toEqual({ removed: 0, remaining: false });
    expect(await rangeTables()).toContain(1);
    await fixture.admin.query('COMMIT');
    await waitFor('the range to be dropped', async () => {
      await store.removeExpiredEvents(10, 100);
      return !(await rangeTables()).includes(1);
    });
    expect(positionsOf(await store.readAll(0))).toEqual(Array.from({ length: 12 }, (_, i) => 11 + i));
  });
});

describe('PostgreSQL store of the plain layout (made before decision 16)', () => {
  let fixture: PostgresFixture;
  beforeEach(async () => (fixture = await postgresFixture()));
  afterEach(() => fixture.dispose());

  it('keeps its layout when opened by this version, and retention deletes its rows', async () => {
    const before = await fixture.open({ partitions: false });
    await before.append('client-a', newEvents(3), 'any');
    await before.close();
    const store = await fixture.open({ expiringStreamPrefixes: PREFIXES });
    const { rows } = await fixture.admin.query<{ relkind: string }>(
      'SELECT relkind FROM pg_class WHERE oid = to_regclass($1)',
      [`"${fixture.schema}".events`],
    );
    expect(rows).toEqual([{ relkind: 'r' }]);
    await store.append('client-a', newEvents(1), 'any');
    expect(await store.removeExpiredEvents(2, 100)).toEqual({ removed: 2, remaining: false });
    expect(
      await fixture.admin.query(`SELECT position FROM "${fixture.schema}".events ORDER BY 1`),
    ).toMatchObject({
      rows: [{ position: '3' }, { position: '4' }],
    });
  });
});

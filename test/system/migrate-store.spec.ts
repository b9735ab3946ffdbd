import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { INCOMPLETE_COPY_LEASE, openEventStore, type EventStore } from '#libs/event-store';
import { EXPIRING_STREAM_PREFIXES } from '#libs/platform';
import { isolatedEnv, runFailingApp } from '../support/app-processes.js';
import { seedRules, writePresence } from '../support/delivery.js';

/**
 * `npm run migrate-store` as an operator runs it (the built script, a process): a SQLite store made by real
 * appends and a retention run, copied into a PostgreSQL schema of its own, then read back through the adapter.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const PG_URL = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const RUN = `migrate_${process.pid}_${Date.now().toString(36)}`;
const schemas: string[] = [];

let env: Record<string, string>;
let source: EventStore;
let admin: pg.Client;

/** A PostgreSQL URL for a new schema, with a password (the server trusts; the tool must never print it). */
function pgTarget(name: string): string {
  const url = new URL(PG_URL);
  url.password = 'pw-never-printed';
  url.searchParams.set('schema', `${RUN}_${name}`);
  schemas.push(`${RUN}_${name}`);
  return url.toString();
}

function migrateStore(...args: string[]) {
  return spawnSync(process.execPath, ['dist/apps/rule-manager/src/migrate-store.js', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

beforeAll(async () => {
  admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  env = await isolatedEnv();
  // No --from in the runs below: the tool copies the apps' store, here DATA_DIR/events.db.
  source = await openEventStore(`sqlite:${env['DATA_DIR']}/events.db`, {
    expiringStreamPrefixes: EXPIRING_STREAM_PREFIXES,
  });
  await seedRules(source, [{ ruleId: 'rule-migrate', groupId: 'GID_migrate', topic: 'migrate-topic' }]);
  await writePresence(source, { groupId: 'GID_migrate', clients: 4, perClient: 3, perSecond: 2000 });
  const removedThrough = (await source.readAll(0, { filter: { streamPrefixes: ['client-'] }, limit: 5 })).at(
    -1,
  )!;
  await source.removeExpiredEvents(removedThrough.position, 100);
  await source.commitProjection('client-status', await source.headPosition(), {
    upserts: [{ collection: 'client-status', id: 'GID_migrate@@@dev-0', document: { online: true } }],
  });
}, 60_000);

afterAll(async () => {
  await source?.close();
  for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await admin?.end();
  rmSync(env['DATA_DIR']!, { recursive: true, force: true });
});

describe('npm run migrate-store', () => {
  it('copies the SQLite store into PostgreSQL with positions, versions, checkpoints and documents intact', async () => {
    const to = pgTarget('copy');
    const run = migrateStore('--to', to, '--batch-size', '4');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const head = await source.headPosition();
    // 3 control-plane events and 4 clients' 12 presence events, of which retention removed the first 5.
    expect(await source.countRows()).toEqual({ events: 10, streams: 5, checkpoints: 1, documents: 1 });
    expect(run.stdout).toContain(
      '(10 events, 5 streams, 1 checkpoints, 1 documents) into ' +
        `postgres://127.0.0.1:5432/test (schema ${RUN}_copy), 4 rows a batch`,
    );
    expect(run.stdout).toContain(
      'migrate-store: events: 10 of 10 copied\nmigrate-store: streams: 5 of 5 copied',
    );
    expect(run.stdout).toMatch(
      new RegExp(
        `copied and verified 10 events, 5 streams, 1 checkpoints, 1 documents; head position ${head}, ` +
          `retention horizon ${await source.retentionHorizon()}, events sha256 [0-9a-f]{16}; in \\d+\\.\\d s`,
      ),
    );
    expect(run.stdout).toContain(`next: set EVENT_STORE_URL=${to.replace('pw-never-printed', '***')}`);
    expect(run.stdout).not.toContain('pw-never-printed');

    const target = await openEventStore(to, { expiringStreamPrefixes: EXPIRING_STREAM_PREFIXES });
    try {
      expect(await target.readAll(0)).toEqual(await source.readAll(0));
      expect(await target.headPosition()).toBe(head);
      expect(await target.retentionHorizon()).toBe(await source.retentionHorizon());
      expect(await target.loadCheckpoint('client-status')).toBe(head);
      expect(await target.readDocuments('client-status')).toEqual([
        { id: 'GID_migrate@@@dev-0', document: { online: true } },
      ]);
      // Retention removed dev-0's first two events: its stream continues at version 4 all the same.
      const next = await target.append('client-GID_migrate@@@dev-0', [presence()], 3);
      expect(next.version).toBe(4);
      expect(next.position).toBeGreaterThan(head);
    } finally {
      await target.close();
    }
  });

  it('refuses a target that is not empty, naming what it holds', () => {
    // The copy of the first test, with the event it appended.
    const to = pgTarget('copy');
    const run = migrateStore('--to', to);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(
      `the target postgres://127.0.0.1:5432/test (schema ${RUN}_copy) is not empty: it holds 11 events, 5 streams`,
    );
    expect(run.stderr).toContain('Give a new SQLite file or an empty PostgreSQL schema');
    expect(run.stdout + run.stderr).not.toContain('pw-never-printed');
  });

  it('refuses while an app holds a live lease in the source, naming lease and owner', async () => {
    await source.acquireLeases('dispatch-host-7', ['dispatch/partition-0'], 60_000, Date.now());
    try {
      const run = migrateStore('--to', pgTarget('leased'));
      expect(run.status).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(
        /is in use: live lease dispatch\/partition-0 held by dispatch-host-7 until /,
      );
      expect(run.stderr).toContain('Stop the apps first');
      const { rows } = await admin.query(`SELECT count(*)::int AS n FROM "${RUN}_leased".events`);
      expect(rows).toEqual([{ n: 0 }]);
    } finally {
      await source.releaseLeases('dispatch-host-7', ['dispatch/partition-0']);
    }
  });

  it('leaves a copy that stopped half-way unusable: an app refuses to start on it, saying why', async () => {
    const copy = `${env['DATA_DIR']}/half-copied.db`;
    // What migrate-store writes first into its target and removes only once the copy is verified.
    const half = await openEventStore(`sqlite:${copy}`);
    await half.acquireLeases('migrate-store', [INCOMPLETE_COPY_LEASE], 3_600_000, Date.now());
    await half.close();
    const run = await runFailingApp('rule-manager', {
      ...(await isolatedEnv({ DATA_DIR: env['DATA_DIR']! })),
      EVENT_STORE_URL: `sqlite:${copy}`,
    });
    expect(run.code).toBe(1);
    expect(run.output).toContain(
      `rule-manager: sqlite:${copy} is an incomplete copy left by npm run migrate-store ` +
        `(lease migrate-store/incomplete-copy): it may lack events and checkpoints. Set EVENT_STORE_URL back ` +
        'to the source, or drop this store and run migrate-store again',
    );
  }, 30_000);

  it('names the argument when --to is missing or the source file does not exist', () => {
    const missing = migrateStore();
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain(
      'migrate-store: --to is required: the empty store to copy into. Usage: ',
    );
    const nowhere = migrateStore(
      '--from',
      `sqlite:${env['DATA_DIR']}/nothing.db`,
      '--to',
      pgTarget('unused'),
    );
    expect(nowhere.status).toBe(1);
    expect(nowhere.stderr).toContain(`--from: there is no SQLite store at ${env['DATA_DIR']}/nothing.db`);
  });
});

function presence() {
  const data = {
    clientId: 'GID_migrate@@@dev-0',
    channelId: '0'.repeat(32),
    clientIp: '127.0.0.1:1',
    time: 1,
  };
  return {
    eventId: crypto.randomUUID(),
    type: 'ClientConnected',
    data,
    metadata: { actor: 'test', occurredAt: 1 },
  };
}

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openEventStore } from '#libs/event-store';
import { isolatedEnv, startApp } from '../support/app-processes.js';
import { dropSchemas, runStoreCli } from '../support/store-backup.js';

/**
 * What `npm run backup` and `npm run restore` refuse, each with a line saying why and what to do, and nothing
 * written: a destination that exists (without --force), a restore while an app runs, a file that is no backup.
 */
const PG_URL = process.env['PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const SCHEMA = `backup_cli_${Date.now().toString(36)}`;
let env: Record<string, string>;
let dataDir: string;
const file = (name: string) => join(dataDir, name);

beforeAll(async () => {
  // The CLIs use only the store; apps get their ports when they start.
  env = await isolatedEnv();
  dataDir = env['DATA_DIR']!;
  const store = await openEventStore(`sqlite:${file('events.db')}`);
  const event = {
    eventId: randomUUID(),
    type: 'GroupRegistered',
    data: {},
    metadata: { actor: 't', occurredAt: 1 },
  };
  await store.append('control-plane-test', [event], 'no_stream');
  await store.close();
});

afterAll(() => dropSchemas(PG_URL, SCHEMA));

describe('npm run backup', () => {
  it('never overwrites an existing file without --force', async () => {
    writeFileSync(file('taken.db'), 'keep me');
    expect(await runStoreCli('backup', [file('taken.db')], env)).toEqual({
      code: 1,
      output: `backup: refused: ${file('taken.db')} exists already: give another file, or --force to replace it\n`,
    });
    expect(readFileSync(file('taken.db'), 'utf8')).toBe('keep me');
    const forced = await runStoreCli('backup', [file('taken.db'), '--force'], env);
    expect(forced).toMatchObject({ code: 0, output: expect.stringContaining('up to position 1: 1 events') });
  });

  it('says a failure that is no refusal failed, with its cause', async () => {
    const unreachable = { ...env, EVENT_STORE_URL: 'postgres://postgres@127.0.0.1:1/test?schema=nowhere' };
    const run = await runStoreCli('backup', [file('never.dump')], unreachable);
    expect(run.code).toBe(1);
    expect(run.output).toMatch(/^backup: failed: .*ECONNREFUSED 127\.0\.0\.1:1\n$/);
  });

  it('names the argument it misses or does not know', async () => {
    expect(await runStoreCli('backup', [], env)).toMatchObject({
      code: 2,
      output: expect.stringContaining('backup: refused: <file> is required'),
    });
    expect(await runStoreCli('restore', [file('taken.db'), '--force'], env)).toMatchObject({
      code: 2,
      output: expect.stringContaining('restore: refused: unknown option --force'),
    });
  });
});

describe('npm run restore', () => {
  it('refuses while an app runs on the store, naming its lease', async () => {
    await runStoreCli('backup', [file('while-running.db')], env);
    // Ports picked now, not in beforeAll: a listener started meanwhile (by another test process) may have taken
    // those, and presence-ingest would refuse to start.
    const presence = await startApp('presence-ingest', await isolatedEnv({ DATA_DIR: dataDir }));
    try {
      const refused = await runStoreCli('restore', [file('while-running.db')], env);
      expect(refused.code).toBe(1);
      expect(refused.output).toMatch(
        /^restore: refused: the apps are running on sqlite:.*events\.db: 1 live lease\(s\): presence-ingest\/member\/\S+ \(.*, until .*\)\. Stop the apps first/,
      );
    } finally {
      await presence.stop();
    }
    expect(readdirSync(dataDir).filter((name) => name.includes('before-restore'))).toEqual([]);
  }, 60_000);

  it('refuses a file that is not a backup of the store, and leaves the store in place', async () => {
    writeFileSync(file('notes.txt'), 'not a database');
    new Database(file('other.db')).exec('CREATE TABLE things (id INTEGER)').close();
    expect(await runStoreCli('restore', [file('notes.txt')], env)).toEqual({
      code: 1,
      output: `restore: refused: ${file('notes.txt')} is not a backup of the event store (file is not a database)\n`,
    });
    expect((await runStoreCli('restore', [file('other.db')], env)).output).toBe(
      `restore: refused: ${file('other.db')} is not a backup of the event store ` +
        '(no table events, streams, checkpoints, leases, retention, documents)\n',
    );
    expect(readdirSync(dataDir).filter((name) => name.includes('before-restore'))).toEqual([]);
  });

  it('refuses, on PostgreSQL, a file that is no dump of the schema EVENT_STORE_URL names', async () => {
    const pgEnv = { ...env, EVENT_STORE_URL: `${PG_URL}?schema=${SCHEMA}` };
    const notADump = await runStoreCli('restore', [file('taken.db')], pgEnv);
    expect(notADump).toMatchObject({
      code: 1,
      output: expect.stringContaining(`restore: refused: ${file('taken.db')} is not a pg_dump archive`),
    });
    expect(notADump.output).not.toContain('postgres://');
    await (await openEventStore(pgEnv.EVENT_STORE_URL)).close();
    expect((await runStoreCli('backup', [file('pg.dump')], pgEnv)).code).toBe(0);
    const otherSchema = { ...env, EVENT_STORE_URL: `${PG_URL}?schema=${SCHEMA}_other` };
    expect((await runStoreCli('restore', [file('pg.dump')], otherSchema)).output).toBe(
      `restore: refused: ${file('pg.dump')} holds no event store of schema ${SCHEMA}_other (it holds schema ` +
        `${SCHEMA}): restore it with EVENT_STORE_URL naming the schema it was taken from (?schema=…)\n`,
    );
  });
});

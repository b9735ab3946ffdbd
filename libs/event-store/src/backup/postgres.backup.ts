import pg from 'pg';
import { renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { postgresNames } from '../postgres/postgres.names.js';
import { visibleEvents } from '../postgres/postgres.layout.js';
import { BackupRefusedError, type StoreCopySummary } from './backup-refused.js';
import { postgresTarget, runPostgresTool } from './postgres.tools.js';
import { checkDestination } from './backup-files.js';

/**
 * Dumps the store's schema with `pg_dump --format=custom`. The dump reads a snapshot this function exports
 * from a transaction of its own, so the head position and event count it reports are exactly those of the
 * dump; the writers carry on meanwhile (a repeatable-read snapshot blocks no one). Written under a temporary
 * name in the destination folder, then renamed.
 */
export async function backupPostgresStore(
  connectionString: string,
  schema: string,
  destination: string,
  { force = false } = {},
): Promise<StoreCopySummary> {
  checkDestination(destination, force);
  const target = postgresTarget(connectionString);
  const partial = join(dirname(destination), `.${basename(destination)}.partial-${process.pid}`);
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const snapshot = (await client.query<{ id: string }>('SELECT pg_export_snapshot() AS id')).rows[0].id;
    const summary = await storeSummary(client, schema);
    const args = ['--format=custom', `--schema=${schema}`, `--snapshot=${snapshot}`, `--file=${partial}`];
    await runPostgresTool('pg_dump', [...args, `--dbname=${target.url}`], target.env);
    // Checked again at the end: another backup may have taken the name meanwhile.
    checkDestination(destination, force);
    renameSync(partial, destination);
    return summary;
  } finally {
    rmSync(partial, { force: true });
    await client.query('ROLLBACK').catch(() => undefined);
    await client.end();
  }
}

/** What the store in `schema` holds, as the connection's transaction sees it. */
export async function storeSummary(client: pg.ClientBase, schema: string): Promise<StoreCopySummary> {
  const names = postgresNames(schema);
  const { events, retention } = names;
  const found = await client.query('SELECT 1 FROM pg_tables WHERE schemaname = $1 AND tablename = $2', [
    schema,
    'events',
  ]);
  if (found.rowCount === 0) throw new BackupRefusedError(`there is no event store in schema ${schema}`);
  const layout = await client.query('SELECT 1 FROM pg_class WHERE oid = to_regclass($1)', [names.layout]);
  // The partitioned layout keeps the rows retention passed until their range is dropped: they are not counted.
  const visible = visibleEvents({ partitioned: layout.rowCount !== 0 }, names);
  const { rows } = await client.query<{ head: string; events: string }>(
    `SELECT greatest(coalesce((SELECT max(position) FROM ${events}), 0),
                     coalesce((SELECT horizon FROM ${retention} WHERE id = 1), 0)) AS head,
            (SELECT count(*) FROM ${events} WHERE ${visible}) AS events`,
  );
  return { head: Number(rows[0].head), events: Number(rows[0].events) };
}

import pg from 'pg';
import { existsSync } from 'node:fs';
import { postgresNames } from '../postgres/postgres.names.js';
import { compactTimestamp } from './backup-files.js';
import { BackupRefusedError, type StoreCopySummary } from './backup-refused.js';
import { storeSummary } from './postgres.backup.js';
import { postgresTarget, runPostgresTool } from './postgres.tools.js';

export interface PostgresRestore extends StoreCopySummary {
  /** The schema the store in place was renamed to; undefined when there was none. */
  movedAside?: string;
}

/**
 * Restores a dump of `backupPostgresStore` into the database; the apps must be stopped (the caller checks their
 * leases). The schema in place is renamed aside first rather than cleaned: whatever its tables (an older or
 * newer layout), nothing of it is lost, and a failed restore (one transaction) renames it back.
 */
export async function restorePostgresStore(
  connectionString: string,
  schema: string,
  file: string,
): Promise<PostgresRestore> {
  const target = postgresTarget(connectionString);
  await checkDump(file, schema, target.env);
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    const aside = await renameAside(client, schema);
    try {
      const args = ['--single-transaction', '--exit-on-error', `--dbname=${target.url}`, file];
      await runPostgresTool('pg_restore', args, target.env);
    } catch (error) {
      if (aside !== undefined) await rename(client, aside, schema);
      throw error;
    }
    return { ...(await storeSummary(client, schema)), ...(aside !== undefined && { movedAside: aside }) };
  } finally {
    await client.end();
  }
}

/** The dump must be a custom-format archive holding the events of `schema`, the schema EVENT_STORE_URL names. */
async function checkDump(file: string, schema: string, env: NodeJS.ProcessEnv): Promise<void> {
  if (!existsSync(file)) throw new BackupRefusedError(`${file} does not exist`);
  let listing: string;
  try {
    listing = await runPostgresTool('pg_restore', ['--list', file], env);
  } catch (error) {
    if (/not installed/.test((error as Error).message)) throw error;
    throw new BackupRefusedError(`${file} is not a pg_dump archive (${(error as Error).message})`);
  }
  const schemas = [...listing.matchAll(/^\d+; \d+ \d+ SCHEMA - (\S+) /gm)].map((match) => match[1]);
  // The table's definition, whatever its layout (its rows may be in partitions of their own).
  const hasEvents = new RegExp(`^\\d+; \\d+ \\d+ TABLE ${schema} events `, 'm').test(listing);
  if (!schemas.includes(schema) || !hasEvents)
    throw new BackupRefusedError(
      `${file} holds no event store of schema ${schema} (it holds schema ${schemas.join(', ') || 'none'}): ` +
        `restore it with EVENT_STORE_URL naming the schema it was taken from (?schema=…)`,
    );
}

async function renameAside(client: pg.Client, schema: string): Promise<string | undefined> {
  const found = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
  if (found.rowCount === 0) return undefined;
  const suffix = `_before_restore_${compactTimestamp().toLowerCase()}`;
  const aside = schema.slice(0, 63 - suffix.length) + suffix;
  await rename(client, schema, aside);
  return aside;
}

async function rename(client: pg.Client, from: string, to: string): Promise<void> {
  postgresNames(to); // refuses a name that is not a plain identifier
  await client.query(`ALTER SCHEMA "${postgresNames(from).schema}" RENAME TO "${to}"`);
}

import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { backupStore, storeLocation } from '#libs/event-store';
import { loadConfig } from '#libs/platform';
import { megabytes, parseStoreCommandArguments, runStoreCommand } from './store-backup/store-command.js';

const say = (line: string) => process.stdout.write(`backup: ${line}\n`);

/**
 * `npm run backup -- <file> [--force]`: a consistent copy of the live store the apps use (EVENT_STORE_URL, or
 * DATA_DIR/events.db), while they run. SQLite: the online backup API, checked with integrity_check. PostgreSQL:
 * `pg_dump --format=custom` of the store's schema. An existing file is replaced only with --force.
 */
async function backup(): Promise<void> {
  const { file, force } = parseStoreCommandArguments('backup', process.argv.slice(2), { allowForce: true });
  const url = loadConfig().eventStoreUrl;
  const store = storeLocation(url);
  const started = Date.now();
  const { head, events } = await backupStore(url, file, { force });
  const took = Date.now() - started;
  const size = megabytes(statSync(resolve(file)).size);
  if (store.adapter === 'sqlite') {
    say(`${store.file} copied to ${resolve(file)} (${size}, integrity ok) in ${took} ms`);
  } else {
    say(`schema ${store.schema} dumped to ${resolve(file)} (pg_dump custom format, ${size}) in ${took} ms`);
    say(
      'for point-in-time recovery or a large database, base backups (pg_basebackup -X stream) with WAL ' +
        'archiving are the better tool: docs/operations.md "Backup and restore"',
    );
  }
  say(`the backup holds the store up to position ${head}: ${events} events`);
}

runStoreCommand('backup', backup);

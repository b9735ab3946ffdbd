import { resolve } from 'node:path';
import { restoreStore, storeLocation } from '#libs/event-store';
import { loadConfig } from '#libs/platform';
import { refuseWhileAppsRun } from './store-backup/live-leases.js';
import { parseStoreCommandArguments, runStoreCommand } from './store-backup/store-command.js';

const say = (line: string) => process.stdout.write(`restore: ${line}\n`);

/**
 * `npm run restore -- <file>`: puts a backup of `npm run backup` in place of the store the apps use
 * (EVENT_STORE_URL, or DATA_DIR/events.db). Refused while an app runs, and for a file that is not a sound
 * backup of the store. The store in place is kept aside (a file or a schema), never deleted.
 */
async function restore(): Promise<void> {
  const { file } = parseStoreCommandArguments('restore', process.argv.slice(2), { allowForce: false });
  const url = loadConfig().eventStoreUrl;
  await refuseWhileAppsRun();
  const store = storeLocation(url);
  const started = Date.now();
  const { head, events, movedAside } = await restoreStore(url, file);
  const where = store.adapter === 'sqlite' ? store.file : `schema ${store.schema}`;
  say(`${resolve(file)} restored into ${where} in ${Date.now() - started} ms`);
  say(
    `the store now holds up to position ${head}: ${events} events; events stored after the backup are gone`,
  );
  say(
    movedAside === undefined
      ? 'there was no store in place before'
      : `the store in place before is kept as ${store.adapter === 'sqlite' ? movedAside : `schema ${movedAside}`}` +
          ' (remove it once the restored store is checked)',
  );
  say('start rule-manager, then presence-ingest and rocketmq-dispatch');
}

runStoreCommand('restore', restore);

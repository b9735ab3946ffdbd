import { existsSync } from 'node:fs';
import {
  copyStore,
  openEventStore,
  sqliteFileOf,
  type CopyProgress,
  type CopySummary,
  type EventStore,
} from '#libs/event-store';
import { loadConfig } from '#libs/platform';
import { parseMigrateStoreOptions, withoutPassword } from './store-migration/migrate-store.options.js';

const say = (line: string) => process.stdout.write(`migrate-store: ${line}\n`);
const PROGRESS_EVERY_MS = 2000;

/**
 * `npm run migrate-store -- --to <url> [--from <url>]`: copies the whole event store (EVENT_STORE_URL by
 * default) into an empty one, typically SQLite to PostgreSQL, with positions, versions, checkpoints and read
 * models intact, then verifies the copy. The apps must be stopped: a source with live leases is refused.
 */
async function migrate(): Promise<void> {
  const options = parseMigrateStoreOptions(process.argv.slice(2));
  const from = options.from ?? loadConfig().eventStoreUrl;
  const file = sqliteFileOf(from);
  if (file !== undefined && !existsSync(file)) {
    throw new Error(`--from: there is no SQLite store at ${file} (give --from, or set EVENT_STORE_URL)`);
  }
  const source = await openEventStore(from);
  let target: EventStore | undefined;
  try {
    if (await isEmpty(source)) {
      throw new Error(`the source ${source.description} is empty: check --from (or EVENT_STORE_URL)`);
    }
    target = await openEventStore(options.to);
    const into = target.description;
    const started = Date.now();
    const summary = await copyStore(source, target, {
      batchSize: options.batchSize,
      onStart: (counts) =>
        say(
          `copying ${source.description} (${counts.events} events, ${counts.streams} streams, ` +
            `${counts.checkpoints} checkpoints, ${counts.documents} documents) into ${into}, ` +
            `${options.batchSize} rows a batch`,
        ),
      onProgress: progressPrinter(),
    });
    say(summarise(summary, Date.now() - started));
    say(
      `next: set EVENT_STORE_URL=${withoutPassword(options.to)} for every app and start them. ` +
        `The source is left as it was: to roll back, stop the apps and set EVENT_STORE_URL back to it`,
    );
  } finally {
    await target?.close();
    await source.close();
  }
}

async function isEmpty(store: EventStore): Promise<boolean> {
  const counts = await store.countRows();
  return Object.values(counts).every((count) => count === 0) && (await store.headPosition()) === 0;
}

/** One line per table when it is done, and every 2 s meanwhile: flat output on a 10 M event store. */
function progressPrinter(): (progress: CopyProgress) => void {
  let printedAt = Date.now();
  return ({ table, copied, of }) => {
    if (copied < of && Date.now() - printedAt < PROGRESS_EVERY_MS) return;
    printedAt = Date.now();
    say(`${table}: ${copied} of ${of} copied`);
  };
}

function summarise(summary: CopySummary, ms: number): string {
  return (
    `copied and verified ${summary.events} events, ${summary.streams} streams, ${summary.checkpoints} ` +
    `checkpoints, ${summary.documents} documents; head position ${summary.headPosition}, retention horizon ` +
    `${summary.retentionHorizon}, events sha256 ${summary.eventsChecksum.slice(0, 16)}; in ` +
    `${(ms / 1000).toFixed(1)} s`
  );
}

migrate().catch((error: unknown) => {
  process.stderr.write(`migrate-store: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

import Database from 'better-sqlite3';
import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { checkDestination } from './backup-files.js';
import { BackupRefusedError, type StoreCopySummary } from './backup-refused.js';

/** The largest page count sqlite3_backup_step takes: every page in one step. */
const ALL_PAGES = 0x7fffffff;
const TABLES = ['events', 'streams', 'checkpoints', 'leases', 'retention', 'documents'];

/**
 * Copies the live store at `source` to `destination` with SQLite's online backup. All pages in one step: an
 * online backup starts over whenever another connection writes the source between two steps, so under a steady
 * stream of appends a backup in small steps never finishes. In WAL mode that one step is a read transaction: the
 * writers carry on meanwhile, and the copy is the store as of its start. Written under a temporary name in the
 * destination folder, then renamed, so a crash never leaves a half copy under the name asked for.
 */
export async function backupSqliteStore(
  source: string,
  destination: string,
  { force = false } = {},
): Promise<StoreCopySummary> {
  if (!existsSync(source)) throw new BackupRefusedError(`there is no store to back up at ${source}`);
  checkDestination(destination, force);
  const partial = join(dirname(destination), `.${basename(destination)}.partial-${process.pid}`);
  const db = new Database(source, { readonly: true, fileMustExist: true, timeout: 5000 });
  try {
    await db.backup(partial, { progress: () => ALL_PAGES });
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  } finally {
    db.close();
  }
  try {
    leaveWalMode(partial);
    const summary = inspectSqliteCopy(partial);
    // Checked again at the end: another backup may have taken the name meanwhile.
    checkDestination(destination, force);
    renameSync(partial, destination);
    return summary;
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  }
}

/**
 * The copy keeps the source's WAL mode, and a read-only connection to a WAL file leaves -wal and -shm files
 * behind it: a backup is one self-contained file instead (the store sets WAL again when it opens it).
 */
function leaveWalMode(file: string): void {
  const db = new Database(file, { fileMustExist: true });
  try {
    db.pragma('journal_mode = DELETE');
  } finally {
    db.close();
  }
}

/**
 * Opens `file` read-only as an event store: it must hold the store's tables and pass `PRAGMA integrity_check`.
 * Returns what it holds; a file that is not such a copy is refused with what is wrong.
 */
export function inspectSqliteCopy(file: string): StoreCopySummary {
  const path = resolve(file);
  if (!existsSync(path) || !statSync(path).isFile()) throw new BackupRefusedError(`${path} is not a file`);
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw notABackup(path, (error as Error).message);
  }
  try {
    const tables = db
      .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'")
      .all()
      .map((row) => row.name);
    const missing = TABLES.filter((table) => !tables.includes(table));
    if (missing.length > 0) throw notABackup(path, `no table ${missing.join(', ')}`);
    const problems = db.pragma('integrity_check', { simple: false }) as { integrity_check: string }[];
    if (problems[0]?.integrity_check !== 'ok')
      throw notABackup(path, `integrity_check: ${problems.map((p) => p.integrity_check).join('; ')}`);
    return db
      .prepare<[], StoreCopySummary>(
        `SELECT max(coalesce((SELECT max(position) FROM events), 0),
                    coalesce((SELECT horizon FROM retention WHERE id = 1), 0)) AS head,
                (SELECT count(*) FROM events) AS events`,
      )
      .get()!;
  } catch (error) {
    if (error instanceof BackupRefusedError) throw error;
    throw notABackup(path, (error as Error).message);
  } finally {
    db.close();
  }
}

const notABackup = (path: string, why: string) =>
  new BackupRefusedError(`${path} is not a backup of the event store (${why})`);

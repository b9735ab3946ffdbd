import Database from 'better-sqlite3';
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { compactTimestamp } from './backup-files.js';
import type { StoreCopySummary } from './backup-refused.js';
import { inspectSqliteCopy } from './sqlite.backup.js';

export interface SqliteRestore extends StoreCopySummary {
  /** Where the store that was in place now is; undefined when there was none. */
  movedAside?: string;
}

/**
 * Puts the backup `file` in place as the store at `target`; the apps must be stopped (the caller checks their
 * leases). The backup is checked first and copied next to the target, so the swap is two renames on one file
 * system. The store in place is checkpointed and moved aside with its WAL, so nothing of it is lost.
 */
export function restoreSqliteStore(file: string, target: string): SqliteRestore {
  const summary = inspectSqliteCopy(file);
  mkdirSync(dirname(target), { recursive: true });
  const incoming = join(dirname(target), `.${basename(target)}.restoring-${process.pid}`);
  copyFileSync(file, incoming);
  try {
    const movedAside = existsSync(target) ? moveAside(target) : undefined;
    renameSync(incoming, target);
    return { ...summary, ...(movedAside && { movedAside }) };
  } catch (error) {
    rmSync(incoming, { force: true });
    throw error;
  }
}

function moveAside(target: string): string {
  // The last connection to close checkpoints the WAL into the file and removes it; TRUNCATE makes sure of it.
  const db = new Database(target, { fileMustExist: true, timeout: 5000 });
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
  const aside = `${target}.before-restore-${compactTimestamp()}`;
  renameSync(target, aside);
  for (const suffix of ['-wal', '-shm']) {
    if (!existsSync(target + suffix)) continue;
    // A WAL left over belongs to the file moved aside: it goes with it, and never meets the restored file.
    if (suffix === '-wal') renameSync(target + suffix, aside + suffix);
    else rmSync(target + suffix);
  }
  return aside;
}

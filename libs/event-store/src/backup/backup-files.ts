import { existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { BackupRefusedError } from './backup-refused.js';

/** Refuses a destination that exists (unless `force`) or whose folder does not. */
export function checkDestination(destination: string, force: boolean): void {
  if (!force && existsSync(destination)) throw destinationExists(destination);
  const folder = dirname(destination);
  if (!existsSync(folder) || !statSync(folder).isDirectory())
    throw new BackupRefusedError(`the folder ${folder} of the backup file does not exist: create it first`);
}

const destinationExists = (destination: string) =>
  new BackupRefusedError(`${destination} exists already: give another file, or --force to replace it`);

/** A timestamp fit for a file or schema name: 20261202T194012Z. */
export function compactTimestamp(now = new Date()): string {
  return now.toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
}

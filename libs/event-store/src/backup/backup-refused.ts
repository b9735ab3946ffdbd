/**
 * A backup or restore refused before anything was written (destination exists, apps running, not a backup of
 * the store …): the message says why and what to do. Anything else thrown is a failure of the tools themselves.
 */
export class BackupRefusedError extends Error {
  override readonly name = 'BackupRefusedError';
}

/** What a backup holds, or what a restore put in place. */
export interface StoreCopySummary {
  /** The highest position the copy holds (0 when empty). */
  head: number;
  /** How many events it holds (fewer than `head` once retention removed some). */
  events: number;
}

import type { RecordedEvent } from './event-store.port.js';

/**
 * Where retention puts events before it removes them (ARCHIVE_DIR): retention calls `write` with the events it is
 * about to remove, in position order, and removes them only once `write` has resolved, so an archive that fails
 * holds retention back instead of losing events.
 */
export interface EventArchive {
  /** Writes the events durably (on disk, fsynced); resolves when they are, rejects when they could not be. */
  write(events: RecordedEvent[]): Promise<void>;
  close(): Promise<void>;
}

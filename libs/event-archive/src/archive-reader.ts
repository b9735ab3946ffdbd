import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import type { RecordedEvent } from '#libs/event-store';
import { utcDay } from './archive-layout.js';
import { verifyFile } from './archive-checksum.js';
import { mergeByPosition } from './merge-by-position.js';
import { readManifest, type ArchiveFileEntry } from './manifest.js';

export interface ReadArchiveOptions {
  /** Events whose `metadata.occurredAt` (epoch ms) is at or after this. */
  from?: number;
  /** … and at or before this. */
  to?: number;
  /** Stream categories (`client`, `refused`, `delivery`); all when absent. */
  categories?: string[];
}

/** The files of the manifest that can hold events of the range: by their day and category. */
export async function archiveFilesFor(dir: string, options: ReadArchiveOptions): Promise<ArchiveFileEntry[]> {
  const { files } = await readManifest(dir);
  const [firstDay, lastDay] = [options.from, options.to].map((time) =>
    time === undefined ? undefined : utcDay(time),
  );
  return files.filter(
    (entry) =>
      (!options.categories || options.categories.includes(entry.category)) &&
      (firstDay === undefined || entry.day >= firstDay) &&
      (lastDay === undefined || entry.day <= lastDay),
  );
}

/**
 * The archived events of a time range in position order. Every file the range needs is checked against the
 * manifest's sha256 first, so a corrupt file fails the read (naming it) before any event is handed out.
 */
export async function* readArchive(
  dir: string,
  options: ReadArchiveOptions = {},
): AsyncGenerator<RecordedEvent> {
  const files = await archiveFilesFor(dir, options);
  for (const entry of files) await verifyFile(dir, entry);
  const inRange = (event: RecordedEvent) =>
    (options.from === undefined || event.metadata.occurredAt >= options.from) &&
    (options.to === undefined || event.metadata.occurredAt <= options.to);
  for await (const event of mergeByPosition(files.map((entry) => readArchiveFile(dir, entry))))
    if (inRange(event)) yield event;
}

/** The committed events of one file, in its (position) order. */
export async function* readArchiveFile(dir: string, entry: ArchiveFileEntry): AsyncGenerator<RecordedEvent> {
  if (entry.bytes === 0) return;
  const path = join(dir, entry.file);
  const lines = createInterface({
    input: createReadStream(path, { end: entry.bytes - 1 }).pipe(createGunzip()),
    crlfDelay: Infinity,
  });
  let number = 0;
  for await (const line of lines) {
    number++;
    try {
      yield JSON.parse(line) as RecordedEvent;
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw error;
      throw new Error(`archive file ${path}, line ${number}, is not JSON: ${error.message}`);
    }
  }
}

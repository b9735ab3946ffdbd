import { createHash, type Hash } from 'node:crypto';
import { mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { EventArchive, RecordedEvent } from '#libs/event-store';
import { archiveFileName, archiveLine, categoryOf, utcDay } from './archive-layout.js';
import { verifyFile } from './archive-checksum.js';
import { readManifest, writeManifest, type ArchiveFileEntry } from './manifest.js';

const compress = promisify(gzip);

/**
 * The archive retention writes to before it removes events (ARCHIVE_DIR). Each `write` appends one gzip member per
 * day file it touches (`<day>.<category>.jsonl.gz`; gunzip reads concatenated members as one stream), fsyncs the
 * files, then replaces the manifest atomically: the manifest is the commit. A crash before it leaves a tail past the
 * manifest's byte count, cut off by the next write to that file. Events at or below a file's last archived
 * position are skipped, so retention retrying a batch after a crash between archive and delete adds nothing twice.
 */
export async function openEventArchive(dir: string): Promise<EventArchive> {
  await mkdir(dir, { recursive: true });
  const { files } = await readManifest(dir);
  return new FileEventArchive(dir, new Map(files.map((entry) => [entry.file, entry])));
}

class FileEventArchive implements EventArchive {
  /** The running sha256 of each file this process appended to (a file's hash is read once, then extended). */
  private readonly hashes = new Map<string, Hash>();
  private queue: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly dir: string,
    private readonly entries: Map<string, ArchiveFileEntry>,
  ) {}

  write(events: RecordedEvent[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error(`the event archive in ${this.dir} is closed`));
    const written = this.queue.then(() => this.writeNow(events));
    this.queue = written.catch(() => undefined);
    return written;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.queue;
  }

  private async writeNow(events: RecordedEvent[]): Promise<void> {
    const appended: Array<{ entry: ArchiveFileEntry; hash: Hash }> = [];
    for (const [file, batch] of this.newEventsByFile(events)) appended.push(await this.append(file, batch));
    if (appended.length === 0) return;
    const entries = new Map(this.entries);
    for (const { entry } of appended) entries.set(entry.file, entry);
    await writeManifest(this.dir, [...entries.values()]);
    for (const { entry, hash } of appended) {
      this.entries.set(entry.file, entry);
      this.hashes.set(entry.file, hash);
    }
  }

  /** The events each file does not hold yet, in the order given (position order). */
  private newEventsByFile(events: RecordedEvent[]): Map<string, RecordedEvent[]> {
    const byFile = new Map<string, RecordedEvent[]>();
    for (const event of events) {
      const file = archiveFileName(utcDay(event.metadata.occurredAt), categoryOf(event));
      const batch = byFile.get(file) ?? [];
      const last = batch.at(-1)?.position ?? this.entries.get(file)?.toPosition ?? 0;
      if (event.position <= last) continue;
      batch.push(event);
      byFile.set(file, batch);
    }
    return byFile;
  }

  /** Appends the events as one gzip member after the file's committed bytes and fsyncs it. */
  private async append(
    file: string,
    events: RecordedEvent[],
  ): Promise<{ entry: ArchiveFileEntry; hash: Hash }> {
    const previous = this.entries.get(file);
    const committed = previous?.bytes ?? 0;
    const hash = (await this.hashOf(file, previous)).copy();
    const member = await compress(events.map(archiveLine).join(''));
    const handle = await open(join(this.dir, file), 'a');
    try {
      await handle.truncate(committed);
      await handle.write(member);
      await handle.sync();
    } finally {
      await handle.close();
    }
    hash.update(member);
    const first = events[0]!;
    const entry: ArchiveFileEntry = {
      file,
      category: categoryOf(first),
      day: utcDay(first.metadata.occurredAt),
      fromPosition: previous?.fromPosition ?? first.position,
      toPosition: events.at(-1)!.position,
      events: (previous?.events ?? 0) + events.length,
      bytes: committed + member.length,
      sha256: hash.copy().digest('hex'),
    };
    return { entry, hash };
  }

  /** The running hash of a file's committed bytes, checked against the manifest before anything is appended. */
  private async hashOf(file: string, entry: ArchiveFileEntry | undefined): Promise<Hash> {
    const hash = this.hashes.get(file) ?? (entry ? await verifyFile(this.dir, entry) : createHash('sha256'));
    this.hashes.set(file, hash);
    return hash;
  }
}

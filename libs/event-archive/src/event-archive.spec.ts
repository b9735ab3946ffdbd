import { createHash } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { RecordedEvent } from '#libs/event-store';
import { openEventArchive, readArchive, readManifest, verifyArchive } from './index.js';

const DAY_1 = Date.UTC(2026, 10, 30, 23, 59, 0);
const DAY_2 = Date.UTC(2026, 11, 1, 0, 1, 0);

function event(position: number, stream: string, occurredAt: number): RecordedEvent {
  return {
    position,
    stream,
    version: position,
    eventId: `00000000-0000-4000-8000-${String(position).padStart(12, '0')}`,
    type: stream.startsWith('delivery-') ? 'NotificationForwarded' : 'ClientConnected',
    data: { clientId: 'GID_a@@@dev-1', time: occurredAt, note: 'ünïcode' },
    metadata: { actor: 'presence-ingest', occurredAt },
  };
}

const EVENTS = [
  event(1, 'client-GID_a@@@dev-1', DAY_1),
  event(2, 'delivery-3', DAY_1),
  event(3, 'refused-GID_a@@@dev-9', DAY_1 + 1),
  event(4, 'client-GID_a@@@dev-1', DAY_2),
  event(5, 'client-GID_a@@@dev-2', DAY_1 + 2), // stored late: it happened before midnight
  event(6, 'delivery-3', DAY_2),
];

async function readAll(dir: string, options = {}): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for await (const archived of readArchive(dir, options)) events.push(archived);
  return events;
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'event-archive-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the event archive', () => {
  it('writes one gzip JSON-lines file per UTC day and stream category, each line a whole event', async () => {
    const archive = await openEventArchive(dir);
    await archive.write(EVENTS);
    await archive.close();
    expect(readdirSync(dir).sort()).toEqual([
      '2026-11-30.client.jsonl.gz',
      '2026-11-30.delivery.jsonl.gz',
      '2026-11-30.refused.jsonl.gz',
      '2026-12-01.client.jsonl.gz',
      '2026-12-01.delivery.jsonl.gz',
      'manifest.json',
    ]);
    const lines = gunzipSync(readFileSync(join(dir, '2026-11-30.client.jsonl.gz')))
      .toString('utf8')
      .trimEnd()
      .split('\n');
    expect(lines.map((line) => JSON.parse(line))).toEqual([EVENTS[0], EVENTS[4]]);
    expect(Object.keys(JSON.parse(lines[0]!))).toEqual([
      'position',
      'stream',
      'version',
      'eventId',
      'type',
      'data',
      'metadata',
    ]);
  });

  it('lists each file in the manifest with its positions, event count, size and sha256', async () => {
    const archive = await openEventArchive(dir);
    await archive.write(EVENTS.slice(0, 3));
    await archive.write(EVENTS.slice(3));
    await archive.close();
    const { files } = await readManifest(dir);
    const client = files.find((entry) => entry.file === '2026-11-30.client.jsonl.gz');
    const bytes = readFileSync(join(dir, '2026-11-30.client.jsonl.gz'));
    expect(client).toEqual({
      file: '2026-11-30.client.jsonl.gz',
      category: 'client',
      day: '2026-11-30',
      fromPosition: 1,
      toPosition: 5,
      events: 2,
      bytes: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    });
    for (const entry of files)
      expect(
        createHash('sha256')
          .update(readFileSync(join(dir, entry.file)))
          .digest('hex'),
      ).toBe(entry.sha256);
    expect(files.map((entry) => entry.events).reduce((a, b) => a + b)).toBe(EVENTS.length);
    expect(await verifyArchive(dir)).toEqual(files.map((entry) => ({ file: entry.file })));
  });

  it('reads back in position order across days and categories, within the time range asked', async () => {
    const archive = await openEventArchive(dir);
    await archive.write(EVENTS);
    await archive.close();
    expect((await readAll(dir)).map((e) => e.position)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await readAll(dir)).toEqual(EVENTS);
    const presence = await readAll(dir, { categories: ['client'], from: DAY_1 + 1, to: DAY_2 });
    expect(presence.map((e) => e.position)).toEqual([4, 5]);
    expect((await readAll(dir, { to: DAY_1 + 1 })).map((e) => e.position)).toEqual([1, 2, 3]);
  });

  it('keeps nothing twice when retention writes the same batch again after a crash before deleting', async () => {
    const first = await openEventArchive(dir);
    await first.write(EVENTS.slice(0, 4));
    await first.close();
    const manifest = readFileSync(join(dir, 'manifest.json'), 'utf8');
    const retried = await openEventArchive(dir);
    await retried.write(EVENTS.slice(0, 4));
    expect(readFileSync(join(dir, 'manifest.json'), 'utf8')).toBe(manifest);
    await retried.write(EVENTS.slice(2)); // overlapping: 3 and 4 again, 5 and 6 new
    await retried.close();
    expect((await readAll(dir)).map((e) => e.position)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('cuts off what a crashed append left past the manifest, and goes on from the committed bytes', async () => {
    const archive = await openEventArchive(dir);
    await archive.write(EVENTS.slice(0, 1));
    appendFileSync(join(dir, '2026-11-30.client.jsonl.gz'), Buffer.from('half a gzip member'));
    expect(await readAll(dir)).toEqual(EVENTS.slice(0, 1));
    await archive.write(EVENTS.slice(4, 5));
    await archive.close();
    expect(await readAll(dir)).toEqual([EVENTS[0], EVENTS[4]]);
    const { files } = await readManifest(dir);
    expect(readFileSync(join(dir, '2026-11-30.client.jsonl.gz')).length).toBe(files[0]!.bytes);
    expect((await verifyArchive(dir)).every((verdict) => verdict.problem === undefined)).toBe(true);
  });

  it('fails loudly, naming the file, when a file does not match its checksum', async () => {
    const archive = await openEventArchive(dir);
    await archive.write(EVENTS);
    await archive.close();
    const path = join(dir, '2026-12-01.delivery.jsonl.gz');
    const bytes = readFileSync(path);
    bytes[bytes.length - 5] ^= 0xff;
    writeFileSync(path, bytes);
    await expect(readAll(dir)).rejects.toThrow(`archive file ${path} is corrupt: its sha256 is`);
    // A range without that file still reads.
    expect((await readAll(dir, { categories: ['client'] })).map((e) => e.position)).toEqual([1, 4, 5]);
    const verdicts = await verifyArchive(dir);
    expect(verdicts.filter((verdict) => verdict.problem)).toEqual([
      { file: '2026-12-01.delivery.jsonl.gz', problem: expect.stringContaining(`${path} is corrupt`) },
    ]);
    const reopened = await openEventArchive(dir);
    await expect(reopened.write([event(7, 'delivery-3', DAY_2)])).rejects.toThrow(path);
  });

  it('names a file the manifest lists but the directory lacks', async () => {
    const archive = await openEventArchive(dir);
    await archive.write(EVENTS);
    await archive.close();
    rmSync(join(dir, '2026-11-30.refused.jsonl.gz'));
    await expect(readAll(dir)).rejects.toThrow(
      `archive file ${join(dir, '2026-11-30.refused.jsonl.gz')} is missing`,
    );
  });

  it('refuses an event whose stream has no category prefix, naming its position and stream', async () => {
    const archive = await openEventArchive(dir);
    await expect(archive.write([event(9, 'Weird', DAY_1)])).rejects.toThrow(
      'cannot archive the event at position 9: its stream "Weird" has no category prefix',
    );
    await archive.close();
  });
});

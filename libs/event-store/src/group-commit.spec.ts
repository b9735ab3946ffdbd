import { afterEach, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GroupCommit, newEventId, SqliteEventStore, type EventStore } from './index.js';

/** Group commit on a real SQLite store: batching, duplicates from an earlier attempt, retries while it is busy. */
let directory: string;
let store: EventStore;
const logged: string[] = [];
const log = { log: (line: string) => logged.push(line), error: (line: string) => logged.push(line) };

async function openStore() {
  directory = mkdtempSync(join(tmpdir(), 'group-commit-'));
  store = await SqliteEventStore.open(join(directory, 'events.db'));
  return new GroupCommit(store, { what: 'test events', maxDelayMs: 5, maxBatch: 100, log });
}

const event = (n: number) => ({
  eventId: newEventId(),
  type: 'Happened',
  data: { n },
  metadata: { actor: 'test', occurredAt: n },
});

afterEach(async () => {
  await store.close();
  rmSync(directory, { recursive: true, force: true });
  logged.length = 0;
});

describe('group commit', () => {
  it('stores every event in batches, in order per stream, and says when each is stored', async () => {
    const commits = await openStore();
    const stored: number[] = [];
    for (let n = 1; n <= 600; n++)
      commits.add({ stream: `s-${n % 3}`, event: event(n), stored: () => stored.push(n) });
    expect(commits.pending).toBe(600);
    await commits.drain();

    expect(commits.pending).toBe(0);
    expect(stored).toEqual(Array.from({ length: 600 }, (_, i) => i + 1));
    const s1 = await store.readStream('s-1');
    expect(s1.map((e) => e.data['n'])).toEqual(Array.from({ length: 200 }, (_, i) => 1 + 3 * i));
    expect(s1.map((e) => e.version)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
  });

  it('takes an event the store already holds as stored, and stores the rest of the batch once', async () => {
    const commits = await openStore();
    const earlier = event(1);
    await store.append('s', [earlier], 'any');
    const stored: number[] = [];
    commits.add({ stream: 's', event: earlier, stored: () => stored.push(1) });
    commits.add({ stream: 's', event: event(2), stored: () => stored.push(2) });
    await commits.drain();

    expect(stored.sort()).toEqual([1, 2]);
    expect((await store.readStream('s')).map((e) => e.data['n'])).toEqual([1, 2]);
  });

  it('keeps a batch the store refused and stores it once the store takes writes again', async () => {
    const commits = await openStore();
    // Another connection holds the write lock longer than the 5 s busy timeout: the first attempt fails.
    const holder = new Database(join(directory, 'events.db'));
    holder.prepare('BEGIN IMMEDIATE').run();
    setTimeout(() => holder.prepare('COMMIT').run(), 100);
    commits.add({ stream: 's', event: event(1) });
    await commits.drain();
    holder.close();

    expect((await store.readStream('s')).map((e) => e.data['n'])).toEqual([1]);
    expect(logged[0]).toMatch(/^could not store 1 test events \(attempt 1\), retrying; 1 queued: .*locked/);
    expect(logged[1]).toBe('event store reachable again; 0 test events queued');
  }, 20_000);
});

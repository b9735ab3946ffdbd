import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { newEventId } from '../event-id.js';
import { builtAppendThread } from '../testing/built-append-thread.js';
import type { StreamAppend } from '../event-store.port.js';
import { SqliteAppendWorker } from './sqlite.append-worker.js';
import { SqliteEventStore } from './sqlite.event-store.js';

const BUILT_APPEND_THREAD = builtAppendThread();

const connect = (stream: string): StreamAppend => ({
  stream,
  expectedVersion: 'any',
  events: [
    {
      eventId: newEventId(),
      type: 'ClientConnected',
      data: { stream },
      metadata: { actor: 'test', occurredAt: 0 },
    },
  ],
});

describe('SQLite append thread', () => {
  let directory: string;
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'append-thread-'));
  });
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('fails an append with the reason when its thread cannot open the store, instead of hanging', async () => {
    const notAFolder = join(directory, 'file');
    writeFileSync(notAFolder, '');
    const worker = new SqliteAppendWorker(join(notAFolder, 'events.db'), BUILT_APPEND_THREAD);
    await expect(worker.append([connect('client-a')])).rejects.toThrow(
      /the SQLite append thread failed: .*EEXIST/,
    );
  });

  it('starts a new thread for the next append once its thread has stopped', async () => {
    const path = join(directory, 'events.db');
    const store = await SqliteEventStore.open(path); // creates the schema
    const worker = new SqliteAppendWorker(path, BUILT_APPEND_THREAD);
    await worker.append([connect('client-a')]);
    await worker.close();
    const [result] = await worker.append([connect('client-a')]);
    expect(result).toMatchObject({ stream: 'client-a', version: 2 });
    expect((await store.readStream('client-a')).map((event) => event.version)).toEqual([1, 2]);
    await worker.close();
    await store.close();
  });
});

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventStore } from './event-store.port.js';
import { openEventStore } from './open-event-store.js';
import { newEvent } from './testing/contract-support.js';

describe('openEventStore', () => {
  let directory: string;
  let opened: EventStore[];
  beforeEach(() => {
    directory = mkdtempSync(join(tmpdir(), 'open-event-store-'));
    opened = [];
  });
  afterEach(async () => {
    await Promise.all(opened.map((store) => store.close()));
    rmSync(directory, { recursive: true, force: true });
  });

  async function open(url: string): Promise<EventStore> {
    const store = await openEventStore(url);
    opened.push(store);
    return store;
  }

  it.each([
    ['a sqlite: URL', (path: string) => `sqlite:${path}`],
    ['a sqlite:// URL', (path: string) => `sqlite://${path}`],
    ['a plain file path', (path: string) => path],
  ])('opens SQLite from %s, creating the folders', async (_, toUrl) => {
    const path = join(directory, 'nested', 'data', 'events.db');
    const store = await open(toUrl(path));
    expect(store.description).toBe(`sqlite:${path}`);
    await store.append('rules-a', [newEvent('RuleCreated')], 'no_stream');
    expect(existsSync(path)).toBe(true);
    // The same file through another URL form is the same store.
    const again = await open(path);
    expect((await again.readStream('rules-a')).map((event) => event.type)).toEqual(['RuleCreated']);
  });

  it('rejects other URL schemes without repeating the URL', async () => {
    await expect(openEventStore('mysql://root:hunter2@db/events')).rejects.toThrow(
      'unsupported event store URL scheme "mysql:" (use postgres://, sqlite: or a file path)',
    );
  });

  it('rejects a sqlite: URL without a path', async () => {
    await expect(openEventStore('sqlite:')).rejects.toThrow('sqlite: URL without a file path');
  });
});

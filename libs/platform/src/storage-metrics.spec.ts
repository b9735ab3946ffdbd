import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { newEventId, WrongExpectedVersionError } from '#libs/event-store';
import { Scrape } from '../../../test/support/prometheus.js';
import { AppMetrics } from './app-metrics.js';
import { loadConfig } from './config.js';
import { openAppEventStore } from './event-store.js';
import { StoreErrors, watchStorage } from './storage-metrics.js';

/** The store's health as Prometheus reads it: a real SQLite file in a temporary directory. */
const dataDir = mkdtempSync(join(tmpdir(), 'msr-storage-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const event = () => ({
  eventId: newEventId(),
  type: 'Probe',
  data: {},
  metadata: { actor: 'test', occurredAt: 0 },
});

async function scrape(metrics: AppMetrics) {
  return Scrape.parse(await metrics.text());
}

describe('storage metrics', () => {
  it('counts failed store calls by operation, but not a version conflict', async () => {
    const config = loadConfig({ DATA_DIR: dataDir });
    const errors = new StoreErrors();
    const store = await openAppEventStore(config, {}, errors);
    const metrics = new AppMetrics();
    watchStorage(metrics, config, errors);
    await store.append('probe-1', [event()], 'no_stream');
    await expect(store.append('probe-1', [event()], 'no_stream')).rejects.toThrow(WrongExpectedVersionError);
    expect((await scrape(metrics)).matching('msr_event_store_errors_total')).toEqual([
      { name: 'msr_event_store_errors_total', labels: { operation: 'background' }, value: 0 },
    ]);

    await store.close();
    await expect(store.append('probe-2', [event()], 'any')).rejects.toThrow();
    await expect(store.readStream('probe-1')).rejects.toThrow();
    const after = await scrape(metrics);
    expect(after.value('msr_event_store_errors_total', { operation: 'append' })).toBe(1);
    expect(after.value('msr_event_store_errors_total', { operation: 'readStream' })).toBe(1);
  });

  it('gives the free and total bytes of the file system holding the SQLite file', async () => {
    const metrics = new AppMetrics();
    watchStorage(metrics, loadConfig({ DATA_DIR: dataDir }), new StoreErrors());
    const result = await scrape(metrics);
    const size = result.value('msr_data_dir_size_bytes', { path: dataDir })!;
    const available = result.value('msr_data_dir_available_bytes', { path: dataDir })!;
    expect(size).toBeGreaterThan(0);
    expect(available).toBeGreaterThan(0);
    expect(available).toBeLessThanOrEqual(size);
  });

  it('gives no disk sample, rather than a false zero, while the directory does not exist', async () => {
    const metrics = new AppMetrics();
    watchStorage(metrics, loadConfig({ DATA_DIR: join(dataDir, 'not-yet') }), new StoreErrors());
    const result = await scrape(metrics);
    expect(result.matching('msr_data_dir_available_bytes')).toEqual([]);
    expect(result.matching('msr_data_dir_size_bytes')).toEqual([]);
  });
});

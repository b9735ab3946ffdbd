import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { INCOMPLETE_COPY_LEASE, openEventStore } from '#libs/event-store';
import { loadConfig } from './config.js';
import { ConfigError } from './config-error.js';
import { openAppEventStore } from './event-store.js';

/** A real SQLite store in a temporary directory, marked as migrate-store marks the target it copies into. */
const dataDir = mkdtempSync(join(tmpdir(), 'msr-app-store-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('openAppEventStore', () => {
  it('refuses a store migrate-store left incomplete, naming EVENT_STORE_URL, and opens it once the copy is done', async () => {
    const config = loadConfig({ DATA_DIR: dataDir });
    const copy = await openEventStore(config.eventStoreUrl);
    await copy.acquireLeases('migrate-store', [INCOMPLETE_COPY_LEASE], 3_600_000, Date.now());

    const refusal = await openAppEventStore(config).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refusal).toBeInstanceOf(ConfigError);
    expect(refusal).toMatchObject({ variable: 'EVENT_STORE_URL', rule: 'complete-store' });
    expect((refusal as Error).message).toMatch(/is an incomplete copy left by npm run migrate-store/);

    await copy.releaseLeases('migrate-store', [INCOMPLETE_COPY_LEASE]);
    await copy.close();
    const store = await openAppEventStore(config);
    expect(await store.headPosition()).toBe(0);
    await store.close();
  });
});

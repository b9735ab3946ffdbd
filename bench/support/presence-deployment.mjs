// presence-ingest from the build on a fresh store with the group GID_bench registered, for the benches.
// BENCH_STORE=postgres uses a fresh schema in BENCH_POSTGRES_URL (default the local test database) instead of SQLite.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A listen port below the ephemeral range, where the load generator's outgoing connections never land. */
export const benchPort = () => 20_000 + Math.floor(Math.random() * 12_000);
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Spawns `node <args>` and resolves once its stdout shows `readyText`. */
export function startProcess(args, env, readyText) {
  const child = spawn(
    process.execPath,
    [...(process.env.BENCH_NODE_FLAGS?.split(' ').filter(Boolean) ?? []), ...args],
    {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return new Promise((resolve) =>
    child.stdout.on('data', (chunk) => String(chunk).includes(readyText) && resolve(child)),
  );
}

/**
 * Returns the running presence-ingest, its MQTT port and a store handle on the same file (to count events). With
 * `withRuleManager`, rule-manager runs beside it on the same store, as in production: it keeps the client status
 * read model, so it competes for the same cores while the connects are stored.
 */
export async function startPresenceIngest(storeOptions = {}, { withRuleManager = false } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-presence-'));
  const { openEventStore } = await import('../../dist/libs/event-store/src/index.js');
  const storeUrl = benchStoreUrl(dataDir);
  const store = await openEventStore(storeUrl, storeOptions);
  const metadata = { actor: 'bench', occurredAt: Date.now() };
  const registered = {
    eventId: randomUUID(),
    type: 'GroupRegistered',
    data: { groupId: 'GID_bench' },
    metadata,
  };
  await store.append('rules-mqtt-bench', [registered], 'no_stream');
  const mqttPort = benchPort();
  const env = {
    DATA_DIR: dataDir,
    EVENT_STORE_URL: storeUrl,
    MQTT_PORT: String(mqttPort),
    BUS_URL: `tcp://127.0.0.1:${benchPort()}`,
    INSTANCE_ID: 'mqtt-bench',
  };
  const process = await startProcess(['dist/apps/presence-ingest/src/main.js'], env, 'MQTT broker');
  const grpcPort = benchPort();
  const ruleManager = withRuleManager
    ? await startProcess(
        ['dist/apps/rule-manager/src/main.js'],
        {
          ...env,
          HTTP_PORT: String(benchPort()),
          GRPC_PORT: String(grpcPort),
          API_TOKENS: 'bench:admin:bench-token-0123456789',
        },
        'HTTP on',
      )
    : undefined;
  const stop = () => {
    process.kill('SIGTERM');
    ruleManager?.kill('SIGTERM');
  };
  const storeName = storeUrl.split(':')[0];
  return { process, ruleManager, mqttPort, grpcPort, store, storeUrl, storeName, stop };
}

export function benchStoreUrl(dataDir) {
  const kind = process.env.BENCH_STORE ?? 'sqlite';
  if (kind === 'sqlite') return `sqlite:${join(dataDir, 'events.db')}`;
  if (kind !== 'postgres') throw new Error(`BENCH_STORE must be sqlite or postgres, not ${kind}`);
  const base = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  return `${base}?schema=bench_${randomUUID().slice(0, 8)}`;
}

// Append rate and CONNACK → stored latency of presence-ingest with retention removing old events from the same
// store, against the same without, alternating in one run, on a store of BENCH_EVENTS (default 10 M) old events.
// BENCH_STORE=postgres for PostgreSQL. Run: npm run bench:retention [rate=1000] [seconds=10] [rounds=2]
// (prints figures; not a test). The retention runner is rule-manager's RetentionWorker with its default schedule.
import { createConnection } from 'node:net';
import { generate } from 'mqtt-packet';
import { sleep, startPresenceIngest } from './support/presence-deployment.mjs';
import { percentile } from './support/raw-load.mjs';
import { seedOldEvents } from './support/seed-events.mjs';
import { startStoredReader } from './support/stored-reader.mjs';

const RATE = Number(process.argv[2] ?? 1000);
const SECONDS = Number(process.argv[3] ?? 10);
const ROUNDS = Number(process.argv[4] ?? 2);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 10_000_000);
const DAY = 86_400_000;

const { EXPIRING_STREAM_PREFIXES, AppMetrics, loadConfig } =
  await import('../dist/libs/platform/src/index.js');
const { RetentionWorker, scheduleFor } =
  await import('../dist/apps/rule-manager/src/retention/retention.worker.js');
const { RetentionMetrics } = await import('../dist/apps/rule-manager/src/retention/retention.metrics.js');

// On PostgreSQL, BENCH_LAYOUT=plain makes the store of earlier versions; BENCH_RANGE_EVENTS sets the size of the
// partitioned layout's position ranges (default 10 M), so that a smaller store sees ranges dropped.
const partitions =
  process.env.BENCH_LAYOUT === 'plain'
    ? false
    : { rangeEvents: Number(process.env.BENCH_RANGE_EVENTS ?? 10_000_000) };
const deployment = await startPresenceIngest({
  expiringStreamPrefixes: EXPIRING_STREAM_PREFIXES,
  partitions,
});
const { mqttPort, store, storeName, storeUrl } = deployment;
const seeding = performance.now();
await seedOldEvents(storeUrl, EVENTS, 30 * DAY);
console.log(
  `seeded ${EVENTS} events 30 days old in ${((performance.now() - seeding) / 1000).toFixed(0)} s (${storeName})`,
);
// Every reader is past the seeded events, as after a dispatch and projections that kept up.
const head = await store.headPosition();
for (const name of ['presence.client-status', 'delivery.stats', 'rocketmq-dispatch'])
  await store.saveCheckpoint(name, head);

async function offerConnects(phase) {
  const reader = await startStoredReader(store);
  const sockets = [];
  const started = performance.now();
  for (let i = 0; i < RATE * SECONDS; i++) {
    const wait = started + (i * 1000) / RATE - performance.now();
    if (wait > 1) await sleep(wait);
    const socket = createConnection(mqttPort, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.write(
      generate({
        cmd: 'connect',
        clientId: `GID_bench@@@${phase}-${i}`,
        protocolVersion: 4,
        clean: true,
        keepalive: 300,
      }),
    );
    sockets.push(socket);
  }
  const latencies = await reader.latencies(RATE * SECONDS, 60_000);
  const storedPerSecond = (RATE * SECONDS) / ((performance.now() - started) / 1000);
  sockets.forEach((socket) => socket.destroy());
  await sleep(2_000); // their closes are stored before the next phase
  return { latencies, storedPerSecond, lost: RATE * SECONDS - latencies.length };
}

const config = loadConfig({ EVENT_RETENTION: '7d' });
// BENCH_RETENTION_BATCH: events per removal batch instead of the worker's default, to compare.
const batch = Number(process.env.BENCH_RETENTION_BATCH ?? scheduleFor(config.eventRetentionMs).batchSize);
const schedule = { ...scheduleFor(config.eventRetentionMs), batchSize: batch };
for (let round = 1; round <= ROUNDS; round++) {
  for (const retention of [false, true]) {
    const metrics = new AppMetrics();
    const worker = new RetentionWorker(
      store,
      config,
      'bench',
      new RetentionMetrics(metrics, store),
      undefined,
      schedule,
    );
    if (retention) worker.onApplicationBootstrap();
    const { latencies, storedPerSecond, lost } = await offerConnects(
      `r${round}${retention ? 'with' : 'without'}`,
    );
    await worker.onModuleDestroy();
    const removed = /^msr_retention_removed_events_total (\d+)/m.exec(await metrics.text())?.[1] ?? '0';
    console.log(
      `round ${round}, retention ${retention ? 'running' : 'off    '}: ${RATE * SECONDS} connects offered at ${RATE}/s, ` +
        `stored ${storedPerSecond.toFixed(0)}/s${lost > 0 ? ` (${lost} never stored within 60 s)` : ''}, CONNACK→stored p50 ${percentile(latencies, 50)} ms, p99 ` +
        `${percentile(latencies, 99)} ms, max ${Math.max(...latencies)} ms; removed ${removed} old events in batches of ${batch} (${storeName})`,
    );
  }
}
deployment.stop();
await store.close();

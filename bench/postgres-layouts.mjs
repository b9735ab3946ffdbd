// PostgreSQL's two events layouts side by side (decision 16): the plain table, whose retention deletes rows, and the
// partitioned one, whose retention moves the horizon and drops whole position ranges. Each run appends
// BENCH_EVENTS (default 1 M) presence events through the store in batches of 200 over 100,000 client streams, then
// removes the oldest BENCH_REMOVE (default 500 k) in batches of 500 while one appender goes on at full speed.
// The layouts alternate (plain first in odd rounds, partitioned first in even ones), each in a fresh schema, so
// both see the same load from whatever else runs on the machine; the load average is printed with each line.
// Run: npm run bench:postgres-layouts [rounds=2]   (BENCH_RANGE_EVENTS: positions per range, default 100,000)
import { loadavg } from 'node:os';
import pg from 'pg';

const ROUNDS = Number(process.argv[2] ?? 2);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const REMOVE = Number(process.env.BENCH_REMOVE ?? 500_000);
const RANGE_EVENTS = Number(process.env.BENCH_RANGE_EVENTS ?? 100_000);
const URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const BATCH = 200;
const CLIENTS = 100_000;

const { PostgresEventStore, newEventId } = await import('../dist/libs/event-store/src/index.js');
const { EXPIRING_STREAM_PREFIXES } = await import('../dist/libs/platform/src/index.js');

const load = () =>
  `load ${loadavg()
    .map((value) => value.toFixed(2))
    .join(' ')}`;
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];

let serial = 0;
function presenceBatch() {
  return Array.from({ length: BATCH }, () => {
    const clientId = `GID_bench@@@dev-${serial++ % CLIENTS}`;
    const now = Date.now();
    return {
      stream: `client-${clientId}`,
      expectedVersion: 'any',
      events: [
        {
          eventId: newEventId(),
          type: 'ClientConnected',
          data: { clientId, channelId: String(serial).padStart(32, '0'), clientIp: '10.0.0.1:1', time: now },
          metadata: { actor: 'presence-ingest', occurredAt: now },
        },
      ],
    };
  });
}

/** Appends until `count` events or until `until()` says stop; returns events/s and each batch's latency. */
async function appendLoop(store, { count = Infinity, until = () => false }) {
  const latencies = [];
  const started = performance.now();
  let appended = 0;
  while (appended < count && !until()) {
    const before = performance.now();
    await store.appendMany(presenceBatch());
    latencies.push(performance.now() - before);
    appended += BATCH;
  }
  const seconds = (performance.now() - started) / 1000;
  return { perSecond: appended / seconds, latencies: latencies.sort((a, b) => a - b) };
}

async function tableBytes(admin, schema) {
  const { rows } = await admin.query(
    `SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)::bigint AS bytes FROM pg_class c
     JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind = 'r'
     AND (c.relname = 'events' OR c.relname LIKE 'events\\_%')`,
    [schema],
  );
  return `${(Number(rows[0].bytes) / 1e6).toFixed(0)} MB`;
}

async function run(layout, round, admin) {
  const schema = `bench_layouts_${process.pid}_${round}_${layout}`;
  const store = await PostgresEventStore.connect({
    connectionString: URL,
    schema,
    expiringStreamPrefixes: EXPIRING_STREAM_PREFIXES,
    partitions: layout === 'plain' ? false : { rangeEvents: RANGE_EVENTS },
    onBackgroundError: (error) => console.log(`  (${layout}: ${error.message})`),
  });
  try {
    const fill = await appendLoop(store, { count: EVENTS });
    const size = await tableBytes(admin, schema);
    const tail = await appendLoop(store, { count: 50_000 });
    let removed = 0;
    let removing = true;
    const removalStarted = performance.now();
    const removal = (async () => {
      while (removed < REMOVE) {
        const result = await store.removeExpiredEvents(REMOVE, 500);
        removed += result.removed;
        if (!result.remaining) break;
      }
      removing = false;
    })();
    const during = await appendLoop(store, { until: () => !removing });
    await removal;
    const removalSeconds = (performance.now() - removalStarted) / 1000;
    const ms = (value) => `${value.toFixed(1)}`;
    console.log(
      `round ${round} ${layout.padEnd(11)} fill ${fill.perSecond.toFixed(0)}/s (${EVENTS} events, ${size}); ` +
        `at ${EVENTS}: ${tail.perSecond.toFixed(0)}/s, batch p50 ${ms(percentile(tail.latencies, 50))} ` +
        `p99 ${ms(percentile(tail.latencies, 99))} max ${ms(tail.latencies.at(-1))} ms; ` +
        `removal ${(removed / removalSeconds).toFixed(0)}/s (${removed}) with appends ${during.perSecond.toFixed(0)}/s ` +
        `p50 ${ms(percentile(during.latencies, 50))} p99 ${ms(percentile(during.latencies, 99))} ` +
        `max ${ms(during.latencies.at(-1))} ms; after: ${await tableBytes(admin, schema)}; ${load()}`,
    );
  } finally {
    await store.close();
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  }
}

const admin = new pg.Client({ connectionString: URL });
await admin.connect();
console.log(
  `${EVENTS} events, removing ${REMOVE}, ranges of ${RANGE_EVENTS}, batches of ${BATCH}; ${load()}`,
);
for (let round = 1; round <= ROUNDS; round++) {
  const order = round % 2 === 1 ? ['plain', 'partitioned'] : ['partitioned', 'plain'];
  for (const layout of order) await run(layout, round, admin);
}
await admin.end();

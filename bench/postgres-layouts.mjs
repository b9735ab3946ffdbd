// PostgreSQL's two events layouts side by side (decision 16): the plain table, whose retention deletes rows, and the
// partitioned one, whose retention moves the horizon and drops whole position ranges. Each run appends
// BENCH_EVENTS (default 1 M) presence events through the store in batches of 200 over 100,000 client streams, then
// removes the oldest BENCH_REMOVE (default 500 k) in batches of 500 while one appender goes on at full speed.
// Both are open at once, each in a fresh schema, and take turns (steps of 20,000 appends, turns of 5 s of removal),
// so both see the same load from whatever else runs on the machine; the load average is printed with each line.
// Run: npm run bench:postgres-layouts [rounds=2]   (BENCH_RANGE_EVENTS: positions per range, default 100,000)
import { loadavg } from 'node:os';
import pg from 'pg';

const ROUNDS = Number(process.argv[2] ?? 2);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const REMOVE = Number(process.env.BENCH_REMOVE ?? 500_000);
const RANGE_EVENTS = Number(process.env.BENCH_RANGE_EVENTS ?? 100_000);
const URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const BATCH = 200;
const STEP = 20_000;
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

async function storedEvents(store) {
  return (await store.countRows()).events;
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

const ms = (value) => value.toFixed(1);
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const quartiles = (values, digits = 0) => {
  const sorted = [...values].sort((a, b) => a - b);
  return [25, 50, 75].map((p) => percentile(sorted, p).toFixed(digits)).join('/');
};
const summary = (latencies) =>
  `batch p50 ${ms(percentile(latencies, 50))} p99 ${ms(percentile(latencies, 99))} max ${ms(latencies.at(-1))} ms`;

async function open(layout, schema) {
  return PostgresEventStore.connect({
    connectionString: URL,
    schema,
    expiringStreamPrefixes: EXPIRING_STREAM_PREFIXES,
    partitions: layout === 'plain' ? false : { rangeEvents: RANGE_EVENTS },
    onBackgroundError: (error) => console.log(`  (${layout}: ${error.message})`),
  });
}

/**
 * Both layouts open at once, each step run on one then the other (the order swapped every step), so a burst of
 * load from elsewhere falls on both: the medians of the steps are compared.
 */
async function run(round, admin) {
  const layouts = ['plain', 'partitioned'];
  const schemas = layouts.map((layout) => `bench_layouts_${process.pid}_${round}_${layout}`);
  const stores = await Promise.all(layouts.map((layout, i) => open(layout, schemas[i])));
  const fill = layouts.map(() => []);
  const tail = layouts.map(() => []);
  const removal = layouts.map(() => ({ removed: 0, seconds: 0, rates: [], appends: [], latencies: [] }));
  try {
    for (let step = 0; step * STEP < EVENTS; step++) {
      for (const i of step % 2 === 0 ? [0, 1] : [1, 0]) {
        const { perSecond, latencies } = await appendLoop(stores[i], { count: STEP });
        fill[i].push(perSecond);
        if ((step + 1) * STEP > EVENTS - 5 * STEP) tail[i].push(...latencies);
      }
    }
    const sizes = await Promise.all(schemas.map((schema) => tableBytes(admin, schema)));
    // Removal in turns of 5 s with an appender at full speed beside it, until each removed REMOVE.
    for (let turn = 0; removal.some((r) => r.removed < REMOVE); turn++) {
      for (const i of turn % 2 === 0 ? [0, 1] : [1, 0]) {
        if (removal[i].removed >= REMOVE) continue;
        const started = performance.now();
        let removed = 0;
        const removing = (async () => {
          while (performance.now() - started < 5_000 && removal[i].removed + removed < REMOVE) {
            const result = await stores[i].removeExpiredEvents(REMOVE, 500);
            removed += result.removed;
            if (!result.remaining) break;
          }
        })();
        let done = false;
        void removing.finally(() => (done = true));
        const during = await appendLoop(stores[i], { until: () => done });
        await removing;
        const seconds = (performance.now() - started) / 1000;
        Object.assign(removal[i], {
          removed: removal[i].removed + removed,
          seconds: removal[i].seconds + seconds,
        });
        removal[i].rates.push(removed / seconds);
        removal[i].appends.push(during.perSecond);
        removal[i].latencies.push(...during.latencies);
      }
    }
    // Each step's two runs met the same load: the ratio of their rates, step by step, is the fairest comparison.
    const ratios = fill[1].map((rate, step) => rate / fill[0][step]);
    console.log(`round ${round} fill, partitioned ÷ plain per step: p25/p50/p75 ${quartiles(ratios, 3)}`);
    for (const [i, layout] of layouts.entries())
      console.log(`round ${round} ${layout} steps/s: ${fill[i].map((rate) => rate.toFixed(0)).join(' ')}`);
    for (const [i, layout] of layouts.entries()) {
      const r = removal[i];
      console.log(
        `round ${round} ${layout.padEnd(11)} fill: steps p25/p50/p75 ${quartiles(fill[i])}/s, ` +
          `last ${5 * STEP} ${median(fill[i].slice(-5)).toFixed(0)}/s, ${summary(tail[i].sort((a, b) => a - b))}, ` +
          `${sizes[i]}; removal ${(r.removed / r.seconds).toFixed(0)}/s (median turn ${median(r.rates).toFixed(0)}/s) ` +
          `with appends median ${median(r.appends).toFixed(0)}/s, ${summary(r.latencies.sort((a, b) => a - b))}; ` +
          `after: ${await tableBytes(admin, schemas[i])} for ${await storedEvents(stores[i])} events; ${load()}`,
      );
    }
  } finally {
    await Promise.all(stores.map((store) => store.close()));
    for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  }
}

const admin = new pg.Client({ connectionString: URL });
await admin.connect();
console.log(
  `${EVENTS} events, removing ${REMOVE}, ranges of ${RANGE_EVENTS}, batches of ${BATCH}; ${load()}`,
);
for (let round = 1; round <= ROUNDS; round++) await run(round, admin);
await admin.end();

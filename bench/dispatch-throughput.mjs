// rocketmq-dispatch against the real RocketMQ: notifications/s at saturation (a backlog of stored events sent as
// fast as it goes) and the event → RocketMQ-acknowledged latency at a fixed offered rate, as recorded by dispatch
// in each NotificationForwarded (latencyMs), at each of the offered rates. Then, in the same run against the same
// RocketMQ, the yardsticks: the bare client (one send per message, as many in flight as dispatch) and the bare
// batched send (bench/support/send-yardsticks.mjs). Needs RocketMQ running (`npm run rocketmq` in another terminal).
// Run: npm run build && node bench/dispatch-throughput.mjs [backlog=20000] [rates=500,1000,2000] [seconds=10]
// BENCH_KIND=grpc (the default: the instance is the proxy, `endpoints`) | remoting (the instance is the name server,
// `nameServer`, issue 15) | both (each kind's dispatch and bare clients in the one run, a store each);
// BENCH_STORE=postgres for PostgreSQL; BENCH_TOPIC=fifo (8 queues, the default) | fifo1 (one queue) | normal is the
// rule's topic; DISPATCH_CONCURRENCY etc. are passed through; BENCH_YARDSTICK_MESSAGES (default 30000) per
// yardstick.   (prints figures; not a test)
import { mkdtempSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { createTopic } from '../scripts/rocketmq/index.mjs';
import { benchPort, benchStoreUrl, sleep, startProcess } from './support/presence-deployment.mjs';
import { percentile } from './support/raw-load.mjs';
import { bareRemotingSends, remotingSenderSends } from './support/remoting-send-yardsticks.mjs';
import { bareClientLatencies, batchedSends, bareClientSends } from './support/send-yardsticks.mjs';

const BACKLOG = Number(process.argv[2] ?? 20_000);
const RATES = (process.argv[3] ?? '500,1000,2000').split(',').map(Number);
const SECONDS = Number(process.argv[4] ?? 10);
const CLIENTS = 1_000;
const ENDPOINT = process.env.ROCKETMQ_ENDPOINT ?? '127.0.0.1:8081';
const NAME_SERVER = process.env.ROCKETMQ_NAMESRV ?? '127.0.0.1:9876';
const KINDS = { grpc: ['grpc'], remoting: ['remoting'], both: ['grpc', 'remoting'] }[
  process.env.BENCH_KIND ?? 'grpc'
];
if (!KINDS) throw new Error(`BENCH_KIND must be grpc, remoting or both, got ${process.env.BENCH_KIND}`);
const ADDRESS = { grpc: { endpoints: ENDPOINT }, remoting: { nameServer: NAME_SERVER } };
const loadAtStart = loadavg();
const TOKEN = 'bench-admin-token-000000';
// Dispatch's default (libs/platform/src/config.ts); the bare client gets as many sends in flight.
const CONCURRENCY = Number(process.env.DISPATCH_CONCURRENCY ?? 256);
const YARDSTICK_MESSAGES = Number(process.env.BENCH_YARDSTICK_MESSAGES ?? 30_000);

const { newEventId, openEventStore } = await import('../dist/libs/event-store/src/index.js');
const topic = `bench-dispatch-${Date.now()}`;
await createTopic(topic, { fifo: true });
// Created now: the proxy caches a topic it does not know yet for ~20 s.
const fifoOneQueue = `${topic}-fifo1`;
const normal = `${topic}-normal`;
await createTopic(fifoOneQueue, { fifo: true, queues: 1 });
await createTopic(normal);
const TOPIC_KIND = process.env.BENCH_TOPIC ?? 'fifo';
const ruleTopics = {
  fifo: [topic, 'FIFO topic (8 queues)'],
  fifo1: [fifoOneQueue, 'FIFO topic (1 queue)'],
  normal: [normal, 'normal topic (8 queues)'],
};
if (!ruleTopics[TOPIC_KIND]) throw new Error(`BENCH_TOPIC must be fifo, fifo1 or normal, got ${TOPIC_KIND}`);
const [ruleTopic, topicDescription] = ruleTopics[TOPIC_KIND];

/** One kind's dispatch on a store of its own: the backlog at saturation, then the fixed rates. */
async function measureDispatch(kind) {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-dispatch-'));
  const storeUrl = benchStoreUrl(dataDir);
  const store = await openEventStore(storeUrl);
  const httpPort = benchPort();
  const busPort = benchPort();
  const env = {
    DATA_DIR: dataDir,
    EVENT_STORE_URL: storeUrl,
    HTTP_PORT: String(httpPort),
    GRPC_PORT: String(benchPort()),
    BUS_URL: `tcp://127.0.0.1:${busPort}`,
    INSTANCE_ID: 'mqtt-bench',
    API_TOKENS: `bench:admin:${TOKEN}`,
  };
  const ruleManager = await startProcess(['dist/apps/rule-manager/src/main.js'], env, 'HTTP on');
  const api = async (path, body) => {
    const response = await fetch(`http://127.0.0.1:${httpPort}/api/v1${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (response.status >= 300) throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
  };
  await api('/rocketmq-instances', { instanceId: 'rmq-bench', region: 'local', ...ADDRESS[kind] });
  await api('/groups', { groupId: 'GID_bench' });
  await api('/rules', {
    ruleId: 'bench',
    status: 'ENABLED',
    ruleType: 'CLIENT_STATUS_NOTIFY',
    source: { groupId: 'GID_bench' },
    target: { serviceType: 'ROCKETMQ', instanceId: 'rmq-bench', topic: ruleTopic },
  });
  ruleManager.kill('SIGTERM');

  /** Appends `count` presence events round-robin over the clients; sequence numbers continue per client. */
  const versions = new Map();
  let appended = 0;
  async function appendEvents(count) {
    const appends = [];
    for (let i = 0; i < count; i++) {
      const clientId = `GID_bench@@@dev-${(appended + i) % CLIENTS}`;
      const version = versions.get(clientId) ?? 0;
      versions.set(clientId, version + 1);
      const type = ['ClientConnected', 'ClientDisconnected', 'ClientConnectionClosed'][version % 3];
      const time = Date.now();
      const data = {
        clientId,
        channelId: 'a'.repeat(32),
        clientIp: '127.0.0.1:40000',
        time,
        reason: 'accepted',
      };
      const metadata = { actor: 'bench', occurredAt: time };
      appends.push({
        stream: `client-${clientId}`,
        expectedVersion: version,
        events: [{ eventId: newEventId(), type, data, metadata }],
      });
    }
    appended += count;
    await store.appendMany(appends);
  }

  const forwardedAfter = async (position) => {
    const events = [];
    for (let after = position; ;) {
      const batch = await store.readAll(after, {
        filter: { types: ['NotificationForwarded'] },
        limit: 10_000,
      });
      events.push(...batch);
      if (batch.length < 10_000) return events;
      after = batch.at(-1).position;
    }
  };
  const waitForCheckpoint = async (position) => {
    while ((await store.loadCheckpoint('rocketmq-dispatch')) < position) await sleep(20);
  };

  // 1. Saturation: a stored backlog, then dispatch started and timed until its checkpoint passes the last event.
  for (let done = 0; done < BACKLOG; done += 1000) await appendEvents(Math.min(1000, BACKLOG - done));
  const backlogEnd = await store.headPosition();
  const dispatch = await startProcess(
    ['dist/apps/rocketmq-dispatch/src/main.js'],
    { ...env, BUS_URL: `tcp://127.0.0.1:${busPort + 2}` },
    'forwarding client status events',
  );
  const dispatchStarted = performance.now();
  await waitForCheckpoint(backlogEnd);
  const saturationSeconds = (performance.now() - dispatchStarted) / 1000;

  // 2. Fixed rates: RATE events/s for SECONDS, in batches every 10 ms, as presence-ingest's group commit writes them.
  async function atRate(rate) {
    const rateStart = await store.headPosition();
    const perTick = Math.max(1, Math.round(rate / 100));
    const started = performance.now();
    for (let tick = 0; tick < rate * SECONDS; tick += perTick) {
      const due = started + (tick / rate) * 1000;
      if (due > performance.now()) await sleep(due - performance.now());
      await appendEvents(perTick);
    }
    const offered = (rate * SECONDS) / ((performance.now() - started) / 1000);
    await waitForCheckpoint(await store.headPosition());
    const latencies = (await forwardedAfter(rateStart)).map((event) => event.data.latencyMs);
    return { offered, latencies };
  }
  const runs = [];
  for (const rate of RATES) runs.push(await atRate(rate));

  dispatch.kill('SIGTERM');
  await new Promise((resolve) => dispatch.once('exit', resolve));
  await store.close();
  return { storeUrl, saturationSeconds, runs };
}

const measured = {};
for (const kind of KINDS) measured[kind] = await measureDispatch(kind);

// 3. Yardsticks, after dispatch is gone: same RocketMQ, same kind of messages, no store, no rules.
const common = { endpoint: ENDPOINT, clients: CLIENTS, count: YARDSTICK_MESSAGES, inFlight: CONCURRENCY };
const remoting = { ...common, nameServer: NAME_SERVER };
const ruleFifo = TOPIC_KIND !== 'normal';
const yardsticks = [];
const bareAtRates = [];
if (KINDS.includes('grpc')) {
  const batched = (perCall, on, fifo) => batchedSends({ ...common, topic: on, fifo, perCall });
  yardsticks.push(
    [
      "gRPC bare client send, 1 per call, the rule's topic",
      await bareClientSends({ ...common, topic: ruleTopic, fifo: ruleFifo }),
    ],
    ['gRPC sendBatch 3 per call, FIFO 8 queues (goes 1 per call)', await batched(3, topic, true)],
    ['gRPC sendBatch 3 per call, FIFO 1 queue', await batched(3, fifoOneQueue, true)],
    ['gRPC sendBatch 16 per call, FIFO 1 queue', await batched(16, fifoOneQueue, true)],
    ['gRPC sendBatch 32 per call, normal 8 queues', await batched(32, normal, false)],
  );
  // The floor of the fixed-rate latencies: the bare client alone at the same rates on the rule's topic.
  for (const rate of RATES)
    bareAtRates.push(
      await bareClientLatencies({ ...common, topic: ruleTopic, fifo: ruleFifo, rate, seconds: SECONDS }),
    );
}
if (KINDS.includes('remoting'))
  yardsticks.push(
    [
      "remoting ali-ons Producer.send, 1 per call, the rule's topic",
      await bareRemotingSends({ ...remoting, topic: ruleTopic, fifo: true }),
    ],
    [
      "remoting RemotingSender 3 per call, the rule's topic (in order)",
      await remotingSenderSends({ ...remoting, topic: ruleTopic, fifo: true, perCall: 3 }),
    ],
  );

// A yardstick or a rate with nothing measured (every send failed) prints n/a rather than stopping the report.
const p = (values, q) => (values.length ? percentile(values, q).toFixed(0) : 'n/a').padStart(5);
const max = (values) => (values.length ? Math.max(...values) : 'n/a');
const load = (averages) => averages.map((value) => value.toFixed(1)).join(' ');
const storeKind = Object.values(measured)[0].storeUrl.split(':')[0];
console.log(
  `machine: ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, load average ${load(loadAtStart)} ` +
    `at the start, ${load(loadavg())} at the end (1, 5, 15 min); store ${storeKind}; the rule's ${topicDescription}; ` +
    `${CLIENTS} clients; DISPATCH_CONCURRENCY ${CONCURRENCY}`,
);
for (const [kind, { saturationSeconds, runs }] of Object.entries(measured)) {
  const where = kind === 'grpc' ? `gRPC proxy ${ENDPOINT}` : `remoting, name server ${NAME_SERVER}`;
  console.log(
    `${kind.padEnd(8)} saturation  ${BACKLOG} stored events → ${(BACKLOG / saturationSeconds).toFixed(0)} ` +
      `notifications/s (${saturationSeconds.toFixed(1)} s from dispatch ready; ${where})`,
  );
  for (const { offered, latencies } of runs)
    console.log(
      `${kind.padEnd(8)} fixed rate  offered ${offered.toFixed(0).padStart(5)}/s for ${SECONDS} s, ${latencies.length} ` +
        `forwarded: event → RocketMQ ack p50 ${p(latencies, 50)} ms  p99 ${p(latencies, 99)} ms  ` +
        `p99.9 ${p(latencies, 99.9)} ms  max ${max(latencies)} ms`,
    );
}
bareAtRates.forEach((latencies, i) =>
  console.log(
    `yardstick   gRPC bare client at ${String(RATES[i]).padStart(5)}/s on the rule's topic: send → ack ` +
      `p50 ${p(latencies, 50)} ms  p99 ${p(latencies, 99)} ms  p99.9 ${p(latencies, 99.9)} ms`,
  ),
);
for (const [what, { rate, seconds, failures, messages, lanes }] of yardsticks)
  console.log(
    `yardstick   ${what.padEnd(64)} ${rate.toFixed(0).padStart(6)} msg/s (${messages} in ${seconds.toFixed(1)} s, ` +
      `${lanes ? `${lanes} calls` : `${CONCURRENCY} sends`} in flight${failures ? `, ${failures} FAILED` : ''})`,
  );

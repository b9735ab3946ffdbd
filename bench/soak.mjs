// Soak: the three apps and a real RocketMQ under a steady churn of MQTT clients for a while, with RocketMQ and each
// app restarted at random (one at a time), then a check against the store that every stored presence event was
// delivered to the rule's FIFO topic at least once, in order per client. Prints figures; exits 1 on a loss or an
// order violation.
// Run: npm run build && node bench/soak.mjs [minutes=10] [clients=10000] [events/s=300]
// BENCH_STORE=postgres stores on PostgreSQL. SOAK_ROCKETMQ=private (default: its own RocketMQ on other ports, so
// its restarts never disturb tests on the shared one) or shared (127.0.0.1:8081, restarted through its control URL).
// SOAK_FAULT_EVERY=30-90 (seconds between faults), SOAK_OUTAGE=10-30 (seconds RocketMQ stays down).
import { mkdirSync, mkdtempSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { createConsumerGroup, createTopic } from '../scripts/rocketmq/index.mjs';
import { startChurn } from './support/churn-load.mjs';
import { startFaults } from './support/soak-faults.mjs';
import { checkDelivery, checkStore, readAllOf, waitUntil } from './support/soak-checks.mjs';
import { startRecorder } from './support/notification-recorder.mjs';
import { benchStoreUrl, sleep } from './support/presence-deployment.mjs';
import { percentile } from './support/raw-load.mjs';
import {
  AppProcess,
  createSoakRule,
  freePorts,
  scrapeMetrics,
  soakRocketmq,
} from './support/soak-deployment.mjs';

const MINUTES = Number(process.argv[2] ?? 10);
const CLIENTS = Number(process.argv[3] ?? 10_000);
const RATE = Number(process.argv[4] ?? 300);
const range = (text) => text.split('-').map(Number);
const GROUP = 'GID_soak';
const RULE = 'soak';
const TOKEN = 'soak-admin-token-0000000';

const t0 = Date.now();
const stamp = () =>
  `${new Date().toISOString().slice(11, 23)} +${((Date.now() - t0) / 1000).toFixed(0).padStart(4)}s`;
const log = (line) => console.log(`${stamp()}  ${line}`);
let uncaught = 0;
// The RocketMQ client may throw from its timers while the broker restarts; the soak carries on and counts them.
process.on('uncaughtException', (error) => {
  uncaught += 1;
  log(`uncaught exception (continuing): ${error?.stack ?? error}`);
});

const rocketmq = await soakRocketmq(process.env.SOAK_ROCKETMQ ?? 'private', { log });
const topic = `soak-${Date.now()}`;
const consumerGroup = `${topic}-consumer`;
await createTopic(topic, { fifo: true, namesrv: rocketmq.namesrv });
await createConsumerGroup(consumerGroup, { fifo: true, namesrv: rocketmq.namesrv });

const dataDir = mkdtempSync(join(tmpdir(), 'soak-'));
const logDir = join(dataDir, 'logs');
mkdirSync(logDir);
const storeUrl = benchStoreUrl(dataDir);
const metricsPort = await freePorts(2);
const env = {
  DATA_DIR: dataDir,
  EVENT_STORE_URL: storeUrl,
  HTTP_PORT: String(await freePorts(1)),
  GRPC_PORT: String(await freePorts(1)),
  MQTT_PORT: String(await freePorts(1)),
  BUS_URL: `tcp://127.0.0.1:${await freePorts(3)}`,
  METRICS_PORT: String(metricsPort),
  INSTANCE_ID: 'mqtt-soak',
  REGION: 'local',
  API_TOKENS: `soak:admin:${TOKEN}`,
};
log(
  `soak: ${MINUTES} min, ${CLIENTS} clients, ~${RATE} events/s; store ${storeUrl.split(':')[0]}; RocketMQ ${rocketmq.endpoints}; ` +
    `topic ${topic} (FIFO); logs in ${logDir}`,
);
const apps = {
  ruleManager: new AppProcess('rule-manager', env, logDir),
  presence: new AppProcess('presence-ingest', env, logDir),
  dispatch: new AppProcess('rocketmq-dispatch', env, logDir),
};
await apps.ruleManager.start();
await createSoakRule(env, TOKEN, { rocketmq, group: GROUP, rule: RULE, topic });
await apps.presence.start();
await apps.dispatch.start();
const recorder = await startRecorder({ endpoints: rocketmq.endpoints, topic, consumerGroup, log });

const lag = { events: 0, seconds: 0, samples: 0 };
const sampler = setInterval(async () => {
  const metrics = await scrapeMetrics(metricsPort + 1);
  if (!metrics) return;
  lag.samples += 1;
  lag.events = Math.max(lag.events, metrics.msr_dispatch_lag_events ?? 0);
  lag.seconds = Math.max(lag.seconds, metrics.msr_dispatch_lag_seconds ?? 0);
  lag.last = metrics;
}, 3_000);

const churn = startChurn({
  port: Number(env.MQTT_PORT),
  clients: CLIENTS,
  rate: RATE,
  clientId: (i) => `${GROUP}@@@dev-${i}`,
});
log(`load: mean stay ${churn.meanStayS.toFixed(0)} s, mean away ${churn.meanAwayS.toFixed(1)} s per visit`);
const progress = setInterval(() => {
  const s = churn.stats;
  log(
    `progress: ${churn.online()} online; ${s.connects} connects, ${s.cleanLeaves} clean leaves, ${s.drops} drops, ` +
      `${s.closedByBroker} closed by broker, ${s.connectErrors} connect errors, ${s.refused} refused; ` +
      `${recorder.received.length} notifications received; dispatch lag ${lag.last?.msr_dispatch_lag_events ?? '-'} events ` +
      `${(lag.last?.msr_dispatch_lag_seconds ?? 0).toFixed(1)} s`,
  );
}, 30_000);

const endAt = t0 + MINUTES * 60_000;
const {
  faults,
  kinds: faultKinds,
  done: faulting,
} = startFaults({
  rocketmq,
  apps,
  endAt,
  every: range(process.env.SOAK_FAULT_EVERY ?? '30-90'),
  outage: range(process.env.SOAK_OUTAGE ?? '10-30'),
  log,
});

let exitCode = 1;
try {
  await faulting;
  await sleep(Math.max(0, endAt - Date.now()));
  log('load: stopping the clients');
  await churn.stop();
  clearInterval(progress);
  const loadSeconds = (Date.now() - t0) / 1000;

  // Catch-up: presence-ingest has stored everything, then dispatch's checkpoint reaches the head.
  const caughtUp = (what, done, timeoutMs) => waitUntil(what, done, timeoutMs, log);
  await caughtUp(
    'presence-ingest idle',
    async () => {
      const metrics = await scrapeMetrics(metricsPort);
      return metrics?.msr_presence_clients_connected === 0 && metrics.msr_presence_events_queued === 0;
    },
    60_000,
  );
  await caughtUp(
    'dispatch caught up',
    async () => {
      const metrics = await scrapeMetrics(metricsPort + 1);
      return metrics?.msr_dispatch_lag_events === 0 && metrics.msr_dispatch_notifications_pending === 0;
    },
    600_000,
  );

  const { openEventStore } = await import('../dist/libs/event-store/src/index.js');
  const store = await openEventStore(storeUrl);
  const readEvery = (filter) => readAllOf(store, filter);
  const presence = (await readEvery({ streamPrefixes: [`client-${GROUP}@@@`] })).filter((event) =>
    ['ClientConnected', 'ClientDisconnected', 'ClientConnectionClosed'].includes(event.type),
  );
  const expected = new Map(presence.map((event) => [`${RULE}:${event.eventId}`, event]));
  const receivedIds = () => new Set(recorder.received.map((message) => message.notificationId));
  await caughtUp(
    `all ${expected.size} notifications received`,
    async () => {
      const ids = receivedIds();
      return [...expected.keys()].every((id) => ids.has(id));
    },
    300_000,
  );
  const outcomes = await readEvery({ streamPrefixes: [`delivery-${RULE}`] });
  await store.close();

  const { streams, gaps, unclosedChannels, strayCloses } = checkStore(presence, log);
  const { duplicates, redelivered, mismatched, unexpected, latencies, lost, orderViolations } = checkDelivery(
    recorder.received,
    expected,
    log,
  );
  const received = receivedIds();
  const count = (type) => outcomes.filter((event) => event.type === type).length;
  const forwardedIds = new Set(
    outcomes
      .filter((event) => event.type === 'NotificationForwarded')
      .map((event) => event.data.notificationId),
  );
  const byType = (type) => presence.filter((event) => event.type === type).length;
  const restartCloses = presence.filter((event) => event.data.reason === 'broker restart').length;
  const faultCounts = faultKinds
    .map((kind) => `${kind} ${faults.filter((fault) => fault.kind === kind).length}`)
    .join(', ');
  const ms = (q) => `${((percentile(latencies, q) ?? 0) / 1000).toFixed(2)} s`;

  const rows = [
    [
      'duration',
      `${(loadSeconds / 60).toFixed(1)} min of load (${MINUTES} asked), checked ${((Date.now() - t0) / 60_000).toFixed(1)} min after start`,
    ],
    [
      'clients',
      `${CLIENTS}, ~${RATE} events/s asked; ${churn.stats.connects} connects, ${churn.stats.cleanLeaves} clean leaves, ${churn.stats.drops} drops, ${churn.stats.closedByBroker} closed by broker restarts`,
    ],
    [
      'presence events stored',
      `${presence.length} (${byType('ClientConnected')} connect, ${byType('ClientDisconnected')} disconnect, ${byType('ClientConnectionClosed')} tcpclean of which ${restartCloses} "broker restart"), ${streams.size} clients, ${(presence.length / loadSeconds).toFixed(0)}/s`,
    ],
    ['store sequence gaps', `${gaps} clients`],
    ['channels', `${unclosedChannels} connects without tcpclean, ${strayCloses} tcpcleans without connect`],
    [
      'notifications delivered',
      `${received.size} unique of ${expected.size} expected; ${recorder.received.length} messages received`,
    ],
    [
      'duplicates',
      `${duplicates} re-sent by dispatch, ${redelivered} redelivered by RocketMQ (unacked), ${mismatched} with a wrong ID or seq, ${unexpected} not of a stored event`,
    ],
    ['recorded outcomes', `${forwardedIds.size} forwarded, ${count('NotificationFailed')} failed attempts`],
    ['dead letters', String(count('NotificationDeadLettered'))],
    ['lost', String(lost.length)],
    ['order violations', `${orderViolations} clients`],
    [
      'max lag seen',
      `${lag.events} events, ${lag.seconds.toFixed(1)} s (dispatch /metrics, ${lag.samples} samples every 3 s)`,
    ],
    [
      'event → soak consumer',
      `p50 ${ms(50)}, p99 ${ms(99)}, max ${(latencies.reduce((a, b) => Math.max(a, b), 0) / 1000).toFixed(1)} s (first arrivals)`,
    ],
    ['faults injected', `${faults.length}: ${faultCounts}`],
    ['consumer errors', [...recorder.errors].map(([what, n]) => `${n}× ${what}`).join('; ') || 'none'],
    ['uncaught exceptions', String(uncaught)],
    [
      'machine',
      `${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB; store ${storeUrl.split(':')[0]}; RocketMQ ${process.env.SOAK_ROCKETMQ ?? 'private'} ${rocketmq.endpoints}`,
    ],
  ];
  console.log('\nfaults:');
  for (const fault of faults) console.log(`  ${fault.at}  ${fault.what}`);
  console.log('');
  for (const [name, value] of rows) console.log(`${name.padEnd(24)} ${value}`);
  exitCode = lost.length === 0 && orderViolations === 0 && gaps === 0 && mismatched === 0 ? 0 : 1;
  console.log(exitCode === 0 ? '\nsoak: no loss, no order violation' : '\nsoak: FAILED (see above)');
} finally {
  clearInterval(progress);
  clearInterval(sampler);
  await churn.stop();
  await recorder.stop();
  for (const app of Object.values(apps)) await app.stop('SIGTERM');
  await rocketmq.close();
  process.exit(exitCode);
}

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
import { startRecorder } from './support/notification-recorder.mjs';
import { benchStoreUrl, sleep } from './support/presence-deployment.mjs';
import { percentile } from './support/raw-load.mjs';
import { AppProcess, freePorts, soakRocketmq } from './support/soak-deployment.mjs';

const MINUTES = Number(process.argv[2] ?? 10);
const CLIENTS = Number(process.argv[3] ?? 10_000);
const RATE = Number(process.argv[4] ?? 300);
const range = (text) => text.split('-').map(Number);
const [FAULT_MIN_S, FAULT_MAX_S] = range(process.env.SOAK_FAULT_EVERY ?? '30-90');
const [OUTAGE_MIN_S, OUTAGE_MAX_S] = range(process.env.SOAK_OUTAGE ?? '10-30');
const GROUP = 'GID_soak';
const RULE = 'soak';
const TOKEN = 'soak-admin-token-0000000';
const uniform = (min, max) => min + Math.random() * (max - min);

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
const api = async (path, body) => {
  const response = await fetch(`http://127.0.0.1:${env.HTTP_PORT}/api/v1${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (response.status >= 300) throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
};
await api('/rocketmq-instances', { instanceId: 'rmq-soak', region: 'local', endpoints: rocketmq.endpoints });
await api('/groups', { groupId: GROUP });
await api('/rules', {
  ruleId: RULE,
  status: 'ENABLED',
  ruleType: 'CLIENT_STATUS_NOTIFY',
  source: { groupId: GROUP },
  target: { serviceType: 'ROCKETMQ', instanceId: 'rmq-soak', topic },
});
await apps.presence.start();
await apps.dispatch.start();
const recorder = await startRecorder({ endpoints: rocketmq.endpoints, topic, consumerGroup, log });

/** The gauges of a /metrics page, by name (labels ignored); undefined while the app is down. */
async function scrape(port) {
  try {
    const text = await (
      await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(2_000) })
    ).text();
    return Object.fromEntries(
      text
        .split('\n')
        .filter((line) => line.startsWith('msr_'))
        .map((line) => [line.split(/[{ ]/)[0], Number(line.slice(line.lastIndexOf(' ') + 1))]),
    );
  } catch {
    return undefined;
  }
}
const lag = { events: 0, seconds: 0, samples: 0 };
const sampler = setInterval(async () => {
  const metrics = await scrape(metricsPort + 1);
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

// Faults, one at a time, every FAULT_MIN_S–FAULT_MAX_S seconds, each kind once per round in a random order.
const faults = [];
const restart = async (app, signal) => {
  await app.stop(signal);
  await sleep(uniform(1_000, 5_000));
  for (let attempt = 1; ; attempt++) {
    try {
      return await app.start();
    } catch (error) {
      log(`${app.name} did not start (attempt ${attempt}): ${error.message}`);
      if (attempt >= 5) throw error;
      await sleep(2_000);
    }
  }
};
const FAULTS = {
  rocketmq: async () => {
    const signal = Math.random() < 0.5 ? 'SIGTERM' : 'SIGKILL';
    const stopMs = await rocketmq.stopBroker(signal);
    const outage = uniform(OUTAGE_MIN_S, OUTAGE_MAX_S);
    await sleep(outage * 1000);
    const startMs = await rocketmq.startBroker();
    return `RocketMQ broker ${signal} (stopped in ${(stopMs / 1000).toFixed(1)} s), down ${outage.toFixed(0)} s more, started in ${(startMs / 1000).toFixed(1)} s`;
  },
  dispatch: async () => (await restart(apps.dispatch, 'SIGKILL'), 'rocketmq-dispatch SIGKILL, restarted'),
  presence: async () => (await restart(apps.presence, 'SIGKILL'), 'presence-ingest SIGKILL, restarted'),
  ruleManager: async () => {
    const signal = Math.random() < 0.5 ? 'SIGTERM' : 'SIGKILL';
    await restart(apps.ruleManager, signal);
    return `rule-manager ${signal}, restarted`;
  },
};
const endAt = t0 + MINUTES * 60_000;
const faulting = (async () => {
  let bag = [];
  for (;;) {
    const wait = uniform(FAULT_MIN_S, FAULT_MAX_S) * 1000;
    if (Date.now() + wait > endAt - 20_000) return;
    await sleep(wait);
    if (bag.length === 0) bag = Object.keys(FAULTS).sort(() => Math.random() - 0.5);
    const kind = bag.pop();
    const started = Date.now();
    log(`fault: ${kind} …`);
    const what = await FAULTS[kind]();
    faults.push({ at: new Date(started).toISOString(), kind, what });
    log(`fault: ${what} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  }
})();

let exitCode = 1;
try {
  await faulting;
  await sleep(Math.max(0, endAt - Date.now()));
  log('load: stopping the clients');
  await churn.stop();
  clearInterval(progress);
  const loadSeconds = (Date.now() - t0) / 1000;

  // Catch-up: presence-ingest has stored everything, then dispatch's checkpoint reaches the head.
  const caughtUp = async (what, done, timeoutMs) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await done())) {
      if (Date.now() > deadline)
        return log(`${what}: not reached after ${timeoutMs / 1000} s, checking anyway`);
      await sleep(1_000);
    }
    log(`${what}: reached`);
  };
  await caughtUp(
    'presence-ingest idle',
    async () => {
      const metrics = await scrape(metricsPort);
      return metrics?.msr_presence_clients_connected === 0 && metrics.msr_presence_events_queued === 0;
    },
    60_000,
  );
  await caughtUp(
    'dispatch caught up',
    async () => {
      const metrics = await scrape(metricsPort + 1);
      return metrics?.msr_dispatch_lag_events === 0 && metrics.msr_dispatch_notifications_pending === 0;
    },
    600_000,
  );

  const { openEventStore } = await import('../dist/libs/event-store/src/index.js');
  const store = await openEventStore(storeUrl);
  const readEvery = async (filter) => {
    const events = [];
    for (let after = 0; ;) {
      const batch = await store.readAll(after, { filter, limit: 10_000 });
      events.push(...batch);
      if (batch.length < 10_000) return events;
      after = batch.at(-1).position;
    }
  };
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

  // Checks. Store: each client's sequence is 1..n without a gap; every channel opened is closed once.
  const streams = new Map();
  for (const event of presence) {
    if (!streams.has(event.data.clientId)) streams.set(event.data.clientId, []);
    streams.get(event.data.clientId).push(event);
  }
  let gaps = 0;
  let unclosedChannels = 0;
  let strayCloses = 0;
  for (const [clientId, events] of streams) {
    events.sort((a, b) => a.version - b.version);
    if (events.some((event, i) => event.version !== i + 1)) {
      gaps += 1;
      log(`store: ${clientId} has versions ${events.map((event) => event.version).join(',')}`);
    }
    const open = new Set();
    for (const event of events) {
      if (event.type === 'ClientConnected') open.add(event.data.channelId);
      else if (event.type === 'ClientConnectionClosed' && !open.delete(event.data.channelId))
        strayCloses += 1;
    }
    unclosedChannels += open.size;
  }
  // Delivery: at least once, first arrivals in seq order per client, duplicates with the same notification ID.
  const arrivals = new Map();
  let duplicates = 0;
  let redelivered = 0;
  let mismatched = 0;
  let unexpected = 0;
  const seenMessageIds = new Set();
  const latencies = [];
  for (const message of recorder.received) {
    const event = expected.get(message.notificationId);
    if (!event) {
      unexpected += 1;
      continue;
    }
    if (event.version !== message.seq || event.data.clientId !== message.clientId) {
      mismatched += 1;
      log(
        `mismatch: ${message.notificationId} arrived as ${message.clientId} seq ${message.seq}, stored as seq ${event.version}`,
      );
    }
    const first = arrivals.get(message.clientId) ?? { ids: new Map(), seqs: [] };
    arrivals.set(message.clientId, first);
    if (first.ids.has(message.seq)) {
      // Same message ID: RocketMQ gave an unacked message again; another: dispatch sent it again.
      if (seenMessageIds.has(message.messageId)) redelivered += 1;
      else duplicates += 1;
      if (first.ids.get(message.seq) !== message.notificationId) mismatched += 1;
    } else {
      first.ids.set(message.seq, message.notificationId);
      first.seqs.push(message.seq);
      latencies.push(message.at - event.data.time);
    }
    seenMessageIds.add(message.messageId);
  }
  const received = receivedIds();
  const lost = [...expected.keys()].filter((id) => !received.has(id));
  for (const id of lost.slice(0, 20)) {
    const event = expected.get(id);
    log(`lost: ${id} (${event.data.clientId} seq ${event.version} ${event.type} ${event.data.reason})`);
  }
  let orderViolations = 0;
  for (const [clientId, { seqs }] of arrivals) {
    const outOfOrder = seqs.some((seq, i) => i > 0 && seq < seqs[i - 1]);
    if (outOfOrder) {
      orderViolations += 1;
      if (orderViolations <= 20) log(`order: ${clientId} first arrivals ${seqs.join(',')}`);
    }
  }
  const count = (type) => outcomes.filter((event) => event.type === type).length;
  const forwardedIds = new Set(
    outcomes
      .filter((event) => event.type === 'NotificationForwarded')
      .map((event) => event.data.notificationId),
  );
  const byType = (type) => presence.filter((event) => event.type === type).length;
  const restartCloses = presence.filter((event) => event.data.reason === 'broker restart').length;
  const faultCounts = Object.keys(FAULTS)
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

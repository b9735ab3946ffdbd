// What WatchPresence watchers cost the rest: connect storms against presence-ingest with rule-manager beside it,
// alternately with no watcher and with WATCHERS watchers of every presence event (gRPC, from now), each round's
// connect rate, CONNACK latency and time until every event is stored, and for the watched rounds when the last
// watcher got the last event, the delivery lag (event time on the broker → received) and rule-manager's CPU.
// Run: npm run build && node bench/watchers.mjs [clients=3000] [watchers=100] [rounds=2]   (prints figures)
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { sleep, startPresenceIngest } from './support/presence-deployment.mjs';
import { closeAll, connectAll, percentile } from './support/raw-load.mjs';

const CLIENTS = Number(process.argv[2] ?? 3000);
const WATCHERS = Number(process.argv[3] ?? 100);
const ROUNDS = Number(process.argv[4] ?? 2);
const EVENTS_PER_ROUND = CLIENTS * 2.5; // connect + tcpclean each, and a disconnect for half (raw-load's closeAll)
const cpuMs = (pid) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
};

const presence = await startPresenceIngest({}, { withRuleManager: true });
const { store } = presence;
const definition = protoLoader.loadSync('mqtt_status_relay/v1/presence.proto', {
  longs: String,
  includeDirs: [join(import.meta.dirname, '../libs/contracts/proto')],
});
const { PresenceService } = grpc.loadPackageDefinition(definition).mqtt_status_relay.v1;

/** WATCHERS streams from now, each counting what it receives; lags are sampled from the first one. */
async function openWatchers() {
  const metadata = new grpc.Metadata();
  metadata.set('authorization', 'Bearer bench-token-0123456789');
  const watchers = Array.from({ length: WATCHERS }, () => {
    const client = new PresenceService(`127.0.0.1:${presence.grpcPort}`, grpc.credentials.createInsecure());
    const call = client.WatchPresence({}, metadata);
    const watcher = { client, call, received: 0, lags: [], lastAt: 0 };
    call.on('data', (event) => {
      watcher.received += 1;
      watcher.lastAt = performance.now();
      if (watcher === watchers[0]) watcher.lags.push(Date.now() - Date.parse(event.time));
    });
    call.on('error', () => undefined);
    return watcher;
  });
  await Promise.all(watchers.map(({ call }) => new Promise((resolve) => call.once('metadata', resolve))));
  return watchers;
}

async function round(number, watched) {
  const head = await store.headPosition();
  const watchers = watched ? await openWatchers() : [];
  await sleep(500);
  const cpuBefore = cpuMs(presence.ruleManager.pid);
  const started = performance.now();
  const run = await connectAll({
    port: presence.mqttPort,
    count: CLIENTS,
    window: 500,
    clientId: (i) => `GID_bench@@@dev-${i}`,
  });
  closeAll(run.sockets);
  while ((await store.headPosition()) < head + EVENTS_PER_ROUND) await sleep(20);
  const stored = (performance.now() - started) / 1000;
  let line =
    `round ${number} ${watched ? `${WATCHERS} watchers` : 'no watcher '}: ${(CLIENTS / run.seconds).toFixed(0)} connects/s, ` +
    `CONNACK p50 ${percentile(run.latencies, 50).toFixed(1)} ms p99 ${percentile(run.latencies, 99).toFixed(1)} ms, ` +
    `all ${EVENTS_PER_ROUND} events stored after ${stored.toFixed(2)} s`;
  if (watched) {
    const deadline = Date.now() + 120_000;
    while (watchers.some((w) => w.received < EVENTS_PER_ROUND) && Date.now() < deadline) await sleep(50);
    const complete = watchers.filter((w) => w.received === EVENTS_PER_ROUND).length;
    const last = (Math.max(...watchers.map((w) => w.lastAt)) - started) / 1000;
    const lags = watchers[0].lags;
    line +=
      `; ${complete}/${WATCHERS} watchers got all ${EVENTS_PER_ROUND} events, the last after ${last.toFixed(2)} s; ` +
      `lag p50 ${percentile(lags, 50)} ms p99 ${percentile(lags, 99)} ms; ` +
      `rule-manager CPU ${((cpuMs(presence.ruleManager.pid) - cpuBefore) / 1000).toFixed(1)} s`;
    for (const { call, client } of watchers) {
      call.cancel();
      client.close();
    }
  } else line += `; rule-manager CPU ${((cpuMs(presence.ruleManager.pid) - cpuBefore) / 1000).toFixed(1)} s`;
  console.log(line);
  await sleep(1000);
}

for (let number = 1; number <= ROUNDS; number += 1) {
  await round(number, number % 2 === 0);
  await round(number, number % 2 === 1);
}
console.log(
  `${CLIENTS} clients per storm, ${presence.storeName}, ${cpus().length} cores, load average ${loadavg()
    .map((value) => value.toFixed(2))
    .join(' ')}`,
);
presence.stop();
await store.close();

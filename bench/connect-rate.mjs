// Connect rate of presence-ingest (every event stored) against a bare aedes broker measured in the same run, CONNACK
// latency, time until the last event is stored, and memory per connected client.
// The two brokers take turns over several rounds (the load generator shares the cores, so one pair of runs is
// noisy); the ratio printed is the median of the rounds' ratios.
// Run: npm run build && node bench/connect-rate.mjs [clients=5000] [window=500] [rounds=3]   (prints figures)
// BENCH_STORE=postgres stores on PostgreSQL; BENCH_RULE_MANAGER=1 runs rule-manager beside presence-ingest;
// BENCH_MQTT_VERSION=5 connects MQTT 5 clients (default 4, MQTT 3.1.1).
// Mosquitto (127.0.0.1:1883 on the test machines, MOSQUITTO_PORT to change, 0 to leave out) is measured once at the
// end as the yardstick of a C broker's raw accept rate.
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { benchPort, sleep, startPresenceIngest, startProcess } from './support/presence-deployment.mjs';
import { closeAll, connectAll, mqttVersionName, percentile } from './support/raw-load.mjs';
import { startStoredReader } from './support/stored-reader.mjs';

const CLIENTS = Number(process.argv[2] ?? 5000);
const WINDOW = Number(process.argv[3] ?? 500);
const ROUNDS = Number(process.argv[4] ?? 3);
const EVENTS_PER_ROUND = CLIENTS * 2.5; // connect + tcpclean each, and a disconnect for half (raw-load's closeAll)
const rssMb = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
/** CPU time (user + system, every thread) the process has used, in ms; /proc counts in ticks of 10 ms. */
const cpuMs = (pid) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
};
const AEDES_VERSION = JSON.parse(readFileSync('node_modules/aedes/package.json', 'utf8')).version;
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function measure(name, child, mqttPort, round) {
  const baseline = child ? rssMb(child.pid) : 0;
  const cpuBefore = child ? cpuMs(child.pid) : 0;
  const run = await connectAll({
    port: mqttPort,
    count: CLIENTS,
    window: WINDOW,
    clientId: (i) => `GID_bench@@@dev-${i}`,
  });
  const perClientKb = child ? ((rssMb(child.pid) - baseline) * 1024) / CLIENTS : NaN;
  // What one connect costs the broker, whoever else shares the cores (the load generator does).
  const cpuPerConnect = child ? ((cpuMs(child.pid) - cpuBefore) * 1000) / CLIENTS : NaN;
  closeAll(run.sockets);
  const rate = CLIENTS / run.seconds;
  console.log(
    `${name.padEnd(16)} ${rate.toFixed(0).padStart(6)} connects/s  CONNACK p50 ${percentile(run.latencies, 50).toFixed(1)} ms ` +
      `p99 ${percentile(run.latencies, 99).toFixed(1)} ms` +
      (child ? `  CPU ${cpuPerConnect.toFixed(0)} µs/connect` : '') +
      // Later rounds reuse freed memory: only the first says what a connected client costs.
      (round === 1 && child
        ? `  memory ${perClientKb.toFixed(1)} KB/client, ${((perClientKb * 10_000) / 1024).toFixed(0)} MB per 10,000 ` +
          `(RSS ${baseline.toFixed(0)} MB idle)`
        : ''),
  );
  return rate;
}

const barePort = benchPort();
const bare = await startProcess(['bench/support/bare-aedes.mjs', String(barePort)], {}, 'ready');
const presence = await startPresenceIngest({}, { withRuleManager: process.env.BENCH_RULE_MANAGER === '1' });
const { store } = presence;
await sleep(500);

const ratios = [];
for (let round = 1; round <= ROUNDS; round += 1) {
  // Alternate who goes first, so neither always runs on the warmer (or more fragmented) machine.
  const bareFirst = round % 2 === 1;
  let bareRate = bareFirst ? await measure('bare aedes', bare, barePort, round) : 0;
  await sleep(1000);
  const started = performance.now();
  const rate = await measure('presence-ingest', presence.process, presence.mqttPort, round);
  while ((await store.headPosition()) < 1 + round * EVENTS_PER_ROUND) await sleep(20);
  const storedAfter = (performance.now() - started) / 1000;
  await sleep(1000);
  if (!bareFirst) bareRate = await measure('bare aedes', bare, barePort, round);
  ratios.push(rate / bareRate);
  console.log(
    `round ${round}: all ${EVENTS_PER_ROUND} events stored ${storedAfter.toFixed(2)} s after the first connect ` +
      `(${(EVENTS_PER_ROUND / storedAfter).toFixed(0)} events/s); ${((100 * rate) / bareRate).toFixed(0)}% of bare aedes\n`,
  );
  await sleep(1000);
}
console.log(
  `presence-ingest / bare aedes ${AEDES_VERSION}: median ${(100 * median(ratios)).toFixed(0)}% over ${ROUNDS} rounds ` +
    `(${ratios.map((r) => `${(100 * r).toFixed(0)}%`).join(', ')}); ${CLIENTS} clients, window ${WINDOW}, ` +
    `${presence.storeName}${process.env.BENCH_RULE_MANAGER === '1' ? ' with rule-manager' : ''}, ${mqttVersionName()}; ` +
    `${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`,
);
bare.kill();
const mosquittoPort = Number(process.env.MOSQUITTO_PORT ?? 1883);
if (mosquittoPort > 0) {
  await sleep(1000);
  const mosquittoRate = await measure('mosquitto', undefined, mosquittoPort, 0);
  await sleep(1000);
  const rate = await measure('presence-ingest', presence.process, presence.mqttPort, 0);
  console.log(`presence-ingest / mosquitto: ${((100 * rate) / mosquittoRate).toFixed(0)}%`);
}

// One more storm with a reader polling the store (it takes CPU, so it stays out of the rounds above).
await sleep(1000);
const reader = await startStoredReader(store);
await measure('presence-ingest', presence.process, presence.mqttPort, 0);
const stored = await reader.latencies(CLIENTS);
console.log(
  `connect storm, CONNACK → event stored: p50 ${percentile(stored, 50)} ms, p99 ${percentile(stored, 99)} ms, ` +
    `max ${Math.max(...stored)} ms (reader poll 2 ms)`,
);
presence.stop();
await store.close();

// Connect rate of presence-ingest (every event stored) against a bare aedes broker measured in the same run, CONNACK
// latency, time until the last event is stored, and memory per connected client.
// Run: npm run build && node bench/connect-rate.mjs [clients=5000] [window=500]   (prints figures; not a test)
import { readFileSync } from 'node:fs';
import { benchPort, sleep, startPresenceIngest, startProcess } from './support/presence-deployment.mjs';
import { closeAll, connectAll, percentile } from './support/raw-load.mjs';

const CLIENTS = Number(process.argv[2] ?? 5000);
const WINDOW = Number(process.argv[3] ?? 500);
const rssMb = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;

async function measure(name, child, mqttPort) {
  await sleep(500);
  const baseline = rssMb(child.pid);
  const run = await connectAll({
    port: mqttPort,
    count: CLIENTS,
    window: WINDOW,
    clientId: (i) => `GID_bench@@@dev-${i}`,
  });
  const perClientKb = ((rssMb(child.pid) - baseline) * 1024) / CLIENTS;
  closeAll(run.sockets);
  const rate = CLIENTS / run.seconds;
  console.log(
    `${name.padEnd(16)} ${rate.toFixed(0).padStart(6)} connects/s  CONNACK p50 ${percentile(run.latencies, 50).toFixed(1)} ms ` +
      `p99 ${percentile(run.latencies, 99).toFixed(1)} ms  memory ${perClientKb.toFixed(1)} KB/client (RSS ${baseline.toFixed(0)} MB idle)`,
  );
  return rate;
}

const barePort = benchPort();
const bare = await startProcess(['bench/support/bare-aedes.mjs', String(barePort)], {}, 'ready');
const bareRate = await measure('bare aedes', bare, barePort);
bare.kill();

const { process: presence, mqttPort, store, storeName } = await startPresenceIngest();
const started = performance.now();
const rate = await measure('presence-ingest', presence, mqttPort);
while ((await store.headPosition()) < 1 + CLIENTS * 2.5) await sleep(20);
console.log(
  `presence-ingest stored all ${CLIENTS * 2.5} events ${((performance.now() - started) / 1000).toFixed(2)} s after the first connect; ` +
    `${((100 * rate) / bareRate).toFixed(0)}% of bare aedes (${CLIENTS} clients, window ${WINDOW}, ${storeName})`,
);
presence.kill('SIGTERM');
await store.close();

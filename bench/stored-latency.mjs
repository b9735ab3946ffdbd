// p50/p99 from CONNACK to the connect event being stored, with connects paced at a fixed rate (default 1,000/s).
// "Stored" is when a reader polling the store every 2 ms first sees the event (its error is at most that poll).
// Run: npm run build && node bench/stored-latency.mjs [rate=1000] [seconds=5]   (prints figures; not a test)
import { createConnection } from 'node:net';
import { generate } from 'mqtt-packet';
import { sleep, startPresenceIngest } from './support/presence-deployment.mjs';
import { percentile } from './support/raw-load.mjs';
import { startStoredReader } from './support/stored-reader.mjs';

const RATE = Number(process.argv[2] ?? 1000);
const SECONDS = Number(process.argv[3] ?? 5);
const TOTAL = RATE * SECONDS;

const { process: presence, mqttPort, store, storeName } = await startPresenceIngest({ pollIntervalMs: 2 });

const reader = await startStoredReader(store);

const sockets = [];
const started = performance.now();
for (let i = 0; i < TOTAL; i++) {
  const due = started + (i * 1000) / RATE;
  const wait = due - performance.now();
  if (wait > 1) await sleep(wait);
  const socket = createConnection(mqttPort, '127.0.0.1');
  socket.on('error', () => undefined);
  socket.write(
    generate({
      cmd: 'connect',
      clientId: `GID_bench@@@dev-${i}`,
      protocolVersion: 4,
      clean: true,
      keepalive: 300,
    }),
  );
  sockets.push(socket);
}
const offered = TOTAL / ((performance.now() - started) / 1000);
const latencies = await reader.latencies(TOTAL);
console.log(
  `presence-ingest, ${TOTAL} connects offered at ${offered.toFixed(0)}/s: CONNACK→stored p50 ${percentile(latencies, 50)} ms, ` +
    `p99 ${percentile(latencies, 99)} ms, max ${Math.max(...latencies)} ms (${storeName}, reader poll 2 ms)`,
);
sockets.forEach((socket) => socket.destroy());
presence.kill('SIGTERM');
await store.close();

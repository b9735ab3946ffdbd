// Raw MQTT clients from prebuilt CONNECT packets (MQTT.js costs about twice the broker's CPU per connection).
// BENCH_MQTT_VERSION=5 makes them MQTT 5 clients (default 4: MQTT 3.1.1).
import { createConnection } from 'node:net';
import { generate } from 'mqtt-packet';

export const MQTT_VERSION = Number(process.env.BENCH_MQTT_VERSION ?? 4);
const MQTT_VERSION_NAMES = { 3: 'MQTT 3.1', 4: 'MQTT 3.1.1', 5: 'MQTT 5.0' };
export const mqttVersionName = () => MQTT_VERSION_NAMES[MQTT_VERSION] ?? `MQTT level ${MQTT_VERSION}`;

/** Opens `count` connections, at most `window` awaiting CONNACK at once; returns the sockets and CONNACK latencies. */
export async function connectAll({ port, count, window, clientId }) {
  const sockets = [];
  const latencies = [];
  // Built before the clock starts: the load generator shares the cores with the broker it measures.
  const packets = Array.from({ length: count }, (_, i) =>
    generate({
      cmd: 'connect',
      clientId: clientId(i),
      protocolVersion: MQTT_VERSION,
      clean: true,
      keepalive: 300,
    }),
  );
  let next = 0;
  const started = performance.now();
  async function worker() {
    while (next < count) {
      const i = next++;
      const sentAt = performance.now();
      sockets.push(
        await new Promise((resolve, reject) => {
          const socket = createConnection(port, '127.0.0.1');
          socket.once('error', reject);
          socket.once('data', () => {
            latencies.push(performance.now() - sentAt);
            resolve(socket);
          });
          socket.write(packets[i]);
        }),
      );
    }
  }
  await Promise.all(Array.from({ length: window }, worker));
  return { sockets, latencies, seconds: (performance.now() - started) / 1000 };
}

export function closeAll(sockets) {
  const disconnect = generate({ cmd: 'disconnect' }, { protocolVersion: MQTT_VERSION });
  sockets.forEach((socket, i) => (i % 2 === 0 ? socket.end(disconnect) : socket.destroy()));
}

export const percentile = (values, p) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))];

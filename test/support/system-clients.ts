import mqtt, { type MqttClient } from 'mqtt';
import type { EventStore, RecordedEvent } from '#libs/event-store';
import { E2E_ADMIN_SECRET, isolatedEnv, startApp } from './app-processes.js';

/** Calls rule-manager's API of a deployment started with `isolatedEnv`, as its admin. */
export function apiOf(env: Record<string, string>) {
  return async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`http://127.0.0.1:${env['HTTP_PORT']}${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${E2E_ADMIN_SECRET}` },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as Record<string, any> };
  };
}

/** Connects a real MQTT 3.1.1 client (no reconnects) and tracks it in `clients` for the test's cleanup. */
export function mqttConnector(env: Record<string, string>, clients: MqttClient[]) {
  return (clientId: string): Promise<MqttClient> =>
    new Promise((resolve, reject) => {
      const client = mqtt.connect(`mqtt://127.0.0.1:${env['MQTT_PORT']}`, {
        clientId,
        protocolVersion: 4,
        reconnectPeriod: 0,
      });
      clients.push(client);
      client.once('connect', () => resolve(client));
      client.once('error', reject);
    });
}

/** Reads until `done` holds or the time is up, then returns the last value (the assertion tells what was wrong). */
export async function eventually<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Waits until the client's stream holds `count` events (the broker stores them by group commit). */
export const storedEventsOf = (
  store: EventStore,
  clientId: string,
  count: number,
): Promise<RecordedEvent[]> =>
  eventually(
    () => store.readStream(`client-${clientId}`),
    (events) => events.length >= count,
    10_000,
  );

/** The three apps as processes on an isolated environment, its admin API and MQTT clients; `stop` ends them all. */
export async function startThreeApps(overrides: Record<string, string> = {}) {
  const env = await isolatedEnv(overrides);
  const apps = await Promise.all([
    startApp('rule-manager', env),
    startApp('presence-ingest', env),
    startApp('rocketmq-dispatch', env),
  ]);
  const clients: MqttClient[] = [];
  return {
    env,
    api: apiOf(env),
    connect: mqttConnector(env, clients),
    async stop() {
      for (const client of clients) client.end(true);
      await Promise.all(apps.map((app) => app.stop()));
    },
  };
}

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { openEventStore, type EventStore } from '#libs/event-store';
import { controlPlaneStream } from '#libs/rules';
import { isolatedEnv, startApp, type RunningApp } from '../support/app-processes.js';
import { connackCode, connectedClient } from '../support/mqtt-clients.js';

/** MQTT_MAX_CONNECTIONS and MQTT_MAX_CONNECT_RATE_PER_IP, from a loopback and from a non-loopback address. */
let env: Record<string, string>;
let presence: RunningApp;
let store: EventStore;
const open: MqttClient[] = [];

/** This machine's own non-loopback address: connecting to it comes from it, as a remote device would. */
const outsideAddress = () => {
  const address = Object.values(networkInterfaces())
    .flat()
    .find((a) => a?.family === 'IPv4' && !a.internal)?.address;
  if (!address) throw new Error('this test needs a non-loopback IPv4 interface (none found)');
  return address;
};

async function metric(name: string): Promise<Record<string, number>> {
  const text = await (await fetch(`http://127.0.0.1:${env['METRICS_PORT']}/metrics`)).text();
  return Object.fromEntries(
    text
      .split('\n')
      .filter((line) => line.startsWith(name))
      .map((line) => [line.slice(0, line.lastIndexOf(' ')), Number(line.split(' ').pop())]),
  );
}

beforeAll(async () => {
  env = await isolatedEnv({
    MQTT_HOST: '0.0.0.0',
    MQTT_ALLOW_ANONYMOUS: 'true',
    MQTT_MAX_CONNECTIONS: '12',
    MQTT_MAX_CONNECT_RATE_PER_IP: '4',
  });
  store = await openEventStore(`sqlite:${join(env['DATA_DIR']!, 'events.db')}`);
  const registered = {
    eventId: randomUUID(),
    type: 'GroupRegistered',
    data: { groupId: 'GID_many' },
    metadata: { actor: 'test', occurredAt: 1 },
  };
  await store.append(controlPlaneStream(env['INSTANCE_ID']!), [registered], 'no_stream');
  presence = await startApp('presence-ingest', env);
}, 60_000);

afterAll(async () => {
  for (const client of open) client.end(true);
  await presence.stop();
  await store.close();
});

describe('connection limits', () => {
  it('announces its limits at start', () => {
    expect(presence.output()).toContain('≤ 12 connections, 4 connects/s per address');
  });

  it('accepts at most MQTT_MAX_CONNECT_RATE_PER_IP new connections a second from one outside address', async () => {
    const url = `mqtt://${outsideAddress()}:${env['MQTT_PORT']}`;
    // Start on a fresh second, so that the burst falls in one window.
    await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 20));
    const codes = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        connackCode(url, { clientId: `GID_many@@@burst-${i}`, connectTimeout: 2_000 }),
      ),
    );
    expect(codes.filter((code) => code === 0)).toHaveLength(4);
    expect(
      (await metric('msr_presence_connections_refused_total'))[
        'msr_presence_connections_refused_total{reason="connect_rate"}'
      ],
    ).toBe(4);
  });

  it('trusts loopback with the rate, but not with MQTT_MAX_CONNECTIONS', async () => {
    await new Promise((r) => setTimeout(r, 300)); // the burst's connections have closed
    for (let i = 0; i < 12; i++)
      open.push(
        (await connectedClient(`mqtt://127.0.0.1:${env['MQTT_PORT']}`, { clientId: `GID_many@@@held-${i}` }))
          .client,
      );
    expect(
      await connackCode(`mqtt://127.0.0.1:${env['MQTT_PORT']}`, {
        clientId: 'GID_many@@@one-more',
        connectTimeout: 2_000,
      }),
    ).not.toBe(0);
    expect(
      (await metric('msr_presence_connections_refused_total'))[
        'msr_presence_connections_refused_total{reason="max_connections"}'
      ],
    ).toBe(1);
    open.pop()!.end(true);
    await new Promise((r) => setTimeout(r, 300));
    expect(
      await connackCode(`mqtt://127.0.0.1:${env['MQTT_PORT']}`, { clientId: 'GID_many@@@now-there-is-room' }),
    ).toBe(0);
  });
});

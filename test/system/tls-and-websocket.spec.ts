import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { openEventStore, type EventStore } from '#libs/event-store';
import { controlPlaneStream } from '#libs/rules';
import { freePort, isolatedEnv, startApp, type RunningApp } from '../support/app-processes.js';
import { storedEventsOf } from '../support/system-clients.js';

/**
 * MQTT over TCP, over TLS (when a certificate is configured) and over WebSocket, each on its own port: MQTT 3.1,
 * 3.1.1 and 5.0 clients on each, with the same presence events.
 */
let env: Record<string, string>;
let store: EventStore;
let presence: RunningApp;

beforeAll(async () => {
  env = await isolatedEnv();
  const [cert, key] = [join(env['DATA_DIR']!, 'cert.pem'), join(env['DATA_DIR']!, 'key.pem')];
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    {
      stdio: 'ignore',
    },
  );
  Object.assign(env, {
    MQTT_TLS_PORT: String(await freePort()),
    MQTT_TLS_CERT: cert,
    MQTT_TLS_KEY: key,
    MQTT_WS_PORT: String(await freePort()),
  });
  store = await openEventStore(`sqlite:${join(env['DATA_DIR']!, 'events.db')}`);
  await store.append(
    controlPlaneStream(env['INSTANCE_ID']!),
    [
      {
        eventId: randomUUID(),
        type: 'GroupRegistered',
        data: { groupId: 'GID_secure' },
        metadata: { actor: 'test', occurredAt: 1 },
      },
    ],
    'no_stream',
  );
  presence = await startApp('presence-ingest', env);
}, 60_000);

afterAll(async () => {
  await presence.stop();
  await store.close();
});

async function connectAndLeave(url: string, clientId: string, protocolVersion: 3 | 4 | 5): Promise<void> {
  const client = await mqtt.connectAsync(url, {
    clientId,
    protocolVersion,
    reconnectPeriod: 0,
    rejectUnauthorized: false,
  });
  await client.endAsync();
}

const eventsOf = (clientId: string, count: number) => storedEventsOf(store, clientId, count);

describe('more listeners', () => {
  it('announces every listener it opened', () => {
    expect(presence.output()).toContain(`mqtts://127.0.0.1:${env['MQTT_TLS_PORT']}`);
    expect(presence.output()).toContain(`ws://127.0.0.1:${env['MQTT_WS_PORT']}`);
  });

  const listeners = [
    ['TCP', () => `mqtt://127.0.0.1:${env['MQTT_PORT']}`],
    ['TLS', () => `mqtts://127.0.0.1:${env['MQTT_TLS_PORT']}`],
    ['WebSocket', () => `ws://127.0.0.1:${env['MQTT_WS_PORT']}`],
  ] as const;
  const versions = [
    ['3.1', 3],
    ['3.1.1', 4],
    ['5.0', 5],
  ] as const;
  it.each(
    listeners.flatMap(([name, url]) =>
      versions.map(([label, version]) => [name, label, url, version] as const),
    ),
  )(
    'records connect, disconnect and tcpclean with the client address and protocol over %s for MQTT %s',
    async (name, _label, url, version) => {
      const clientId = `GID_secure@@@${name}-v${version}`;
      await connectAndLeave(url(), clientId, version);
      const events = await eventsOf(clientId, 3);
      expect(events.map((e) => [e.type, e.data['reason'], e.data['protocolVersion']])).toEqual([
        ['ClientConnected', 'accepted', version],
        ['ClientDisconnected', 'disconnected by client', version],
        ['ClientConnectionClosed', 'disconnected by client', version],
      ]);
      expect(events[0]!.data['clientIp']).toMatch(/^127\.0\.0\.1:\d+$/);
    },
  );
});

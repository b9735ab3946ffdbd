import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { openEventStore, type EventStore, type RecordedEvent } from '#libs/event-store';
import { isolatedEnv, startApp, type RunningApp } from '../support/app-processes.js';
import { apiOf, eventually, storedEventsOf } from '../support/system-clients.js';
import { connackCode, connectedClient, mosquittoPub } from '../support/mqtt-clients.js';

/**
 * What an MQTT 5 device expects of the broker (reason codes on refusals and on the server's DISCONNECTs, its own
 * DISCONNECT reason kept), checked with MQTT.js and with Mosquitto's client library, beside 3.1.1 return codes.
 */
let env: Record<string, string>;
let apps: RunningApp[] = [];
let store: EventStore;
const url = () => `mqtt://127.0.0.1:${env['MQTT_PORT']}`;
const api = (...args: Parameters<ReturnType<typeof apiOf>>) => apiOf(env)(...args);

const eventsOf = (clientId: string, count: number) => storedEventsOf(store, clientId, count);
const summary = (events: RecordedEvent[]) =>
  events.map((e) => [e.type, e.data['reason'], e.data['clientReasonCode'], e.data['serverReasonCode']]);

beforeAll(async () => {
  env = await isolatedEnv({ MQTT_ALLOW_ANONYMOUS: 'false' });
  apps = [await startApp('rule-manager', env), await startApp('presence-ingest', env)];
  store = await openEventStore(`sqlite:${join(env['DATA_DIR']!, 'events.db')}`);
  await api('POST', '/api/v1/groups', { groupId: 'GID_five' });
  await api('PUT', '/api/v1/groups/GID_five/credentials', { username: 'five', password: 'five-password-1' });
  // presence-ingest follows the control plane from the store: wait until it admits the group's devices.
  await eventually(
    () => connackCode(url(), { clientId: 'GID_five@@@probe', username: 'five', password: 'five-password-1' }),
    (code) => code === 0,
  );
}, 60_000);

afterAll(async () => {
  await Promise.all(apps.map((app) => app.stop()));
  await store.close();
});

const device = { username: 'five', password: 'five-password-1' };

describe('MQTT 5 reason codes', () => {
  it.each([
    ['a malformed client ID', { clientId: 'no-group-here', ...device }, 0x85, 2],
    ['an unregistered group', { clientId: 'GID_nobody@@@d', ...device }, 0x85, 2],
    ['a wrong password', { clientId: 'GID_five@@@d', username: 'five', password: 'wrong-password' }, 0x86, 4],
    [
      'a keepalive above MQTT_MAX_KEEPALIVE',
      { clientId: 'GID_five@@@d', keepalive: 7_200, ...device },
      0x85,
      2,
    ],
  ])('refuses %s with %s to MQTT 5 and %s to MQTT 3.1.1', async (_what, options, v5, v4) => {
    expect(await connackCode(url(), { ...options, protocolVersion: 5 })).toBe(v5);
    expect(await connackCode(url(), { ...options, protocolVersion: 4 })).toBe(v4);
  });

  it('refuses a device without credentials as not authorized (0x87 / 5) when anonymous access is off', async () => {
    await api('POST', '/api/v1/groups', { groupId: 'GID_bare' });
    const code = await eventually(
      () => connackCode(url(), { clientId: 'GID_bare@@@d', protocolVersion: 5 }),
      (c) => c === 0x87,
    );
    expect(code).toBe(0x87);
    expect(await connackCode(url(), { clientId: 'GID_bare@@@d', protocolVersion: 4 })).toBe(5);
  });

  it('tells the old session 0x8E (session taken over) before its tcpclean, clientId conflict', async () => {
    const clientId = 'GID_five@@@twin';
    const old = await connectedClient(url(), { clientId, protocolVersion: 5, ...device });
    const fresh = await connectedClient(url(), { clientId, protocolVersion: 5, ...device });
    expect(summary(await eventsOf(clientId, 3))).toEqual([
      ['ClientConnected', 'accepted', undefined, undefined],
      ['ClientConnectionClosed', 'clientId conflict', undefined, 0x8e],
      ['ClientConnected', 'accepted', undefined, undefined],
    ]);
    expect(old.serverDisconnects).toEqual([0x8e]);
    await fresh.client.endAsync();
    old.client.end(true);
  });

  it('tells a device closed through the API 0x98 (administrative action)', async () => {
    const clientId = 'GID_five@@@closed';
    const session = await connectedClient(url(), { clientId, protocolVersion: 5, ...device });
    await eventsOf(clientId, 1);
    expect((await api('POST', `/api/v1/clients/${clientId}/close`)).status).toBe(200);
    expect(summary(await eventsOf(clientId, 2))[1]).toEqual([
      'ClientConnectionClosed',
      'closed by server',
      undefined,
      0x98,
    ]);
    expect(session.serverDisconnects).toEqual([0x98]);
    session.client.end(true);
  });

  it('keeps the client’s DISCONNECT reason code (0x04: with will) and the protocol on the events and in the trace', async () => {
    const clientId = 'GID_five@@@will';
    const { client } = await connectedClient(url(), {
      clientId,
      protocolVersion: 5,
      ...device,
      will: { topic: 'wills/five', payload: Buffer.from('gone'), qos: 0, retain: false },
    });
    await new Promise<void>((done) => client.end(false, { reasonCode: 0x04 }, () => done()));
    expect(summary(await eventsOf(clientId, 3))).toEqual([
      ['ClientConnected', 'accepted', undefined, undefined],
      ['ClientDisconnected', 'disconnected by client', 0x04, undefined],
      ['ClientConnectionClosed', 'disconnected by client', 0x04, undefined],
    ]);
    const trace = await api('GET', `/api/v1/clients/${clientId}/trace`);
    expect(
      trace.body['items'].map((i: Record<string, unknown>) => [
        i['action'],
        i['protocolVersion'],
        i['clientReasonCode'],
      ]),
    ).toEqual([
      ['connect', 5, undefined],
      ['disconnect', 5, 4],
      ['close', 5, 4],
    ]);
  });
});

describe('a second MQTT 5 implementation: Mosquitto’s client library', () => {
  const pub = (clientId: string, version: string, password = device.password) =>
    mosquittoPub([
      '-h',
      '127.0.0.1',
      '-p',
      env['MQTT_PORT']!,
      '-V',
      version,
      '-i',
      clientId,
      '-u',
      'five',
      '-P',
      password,
    ]);

  it.each([
    ['mqttv5', 5],
    ['mqttv311', 4],
    ['mqttv31', 3],
  ] as const)(
    'connects with %s, publishes and disconnects: connect, disconnect, tcpclean',
    async (version, level) => {
      const clientId = `GID_five@@@mosq-${level}`;
      const { code, output } = await pub(clientId, version);
      expect({ code, connack: /received CONNACK \(0\)/.test(output) }).toEqual({ code: 0, connack: true });
      const events = await eventsOf(clientId, 3);
      expect(events.map((e) => [e.type, e.data['reason'], e.data['protocolVersion']])).toEqual([
        ['ClientConnected', 'accepted', level],
        ['ClientDisconnected', 'disconnected by client', level],
        ['ClientConnectionClosed', 'disconnected by client', level],
      ]);
    },
  );

  it('is refused with reason code 134 (0x86) for a wrong password', async () => {
    const { code, output } = await pub('GID_five@@@mosq-bad', 'mqttv5', 'wrong-password');
    expect(code).not.toBe(0);
    expect(output).toMatch(/received CONNACK \(134\)/);
  });
});

describe('shutdown', () => {
  it('tells MQTT 5 clients 0x8B (server shutting down) and closes their channels with closed by server', async () => {
    const clientId = 'GID_five@@@last';
    const session = await connectedClient(url(), { clientId, protocolVersion: 5, ...device });
    await eventsOf(clientId, 1);
    await apps[1]!.stop();
    expect(session.serverDisconnects).toEqual([0x8b]);
    expect(summary(await eventsOf(clientId, 2))[1]).toEqual([
      'ClientConnectionClosed',
      'closed by server',
      undefined,
      0x8b,
    ]);
    session.client.end(true);
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { openEventStore, type EventStore } from '#libs/event-store';
import { isolatedEnv, startApp, type RunningApp } from '../support/app-processes.js';
import { connectedClient } from '../support/mqtt-clients.js';
import { apiOf, eventually } from '../support/system-clients.js';

/** Topic permissions as devices meet them: allow-lists per group and device, and the default for everyone else. */
let env: Record<string, string>;
let apps: RunningApp[] = [];
let store: EventStore;
const sessions: MqttClient[] = [];
const api = (...args: Parameters<ReturnType<typeof apiOf>>) => apiOf(env)(...args);

const outsideAddress = () =>
  Object.values(networkInterfaces())
    .flat()
    .find((a) => a?.family === 'IPv4' && !a.internal)!.address;

async function device(clientId: string, protocolVersion: 4 | 5, host = '127.0.0.1'): Promise<MqttClient> {
  const { client } = await connectedClient(`mqtt://${host}:${env['MQTT_PORT']}`, {
    clientId,
    protocolVersion,
  });
  sessions.push(client);
  return client;
}

/** The SUBACK code granted (0 for QoS 0; 128 / 0x87 for a refusal, which MQTT.js throws for MQTT 5). */
async function granted(client: MqttClient, filter: string): Promise<number> {
  try {
    const [grant] = await client.subscribeAsync(filter, { qos: 0 });
    return grant!.qos;
  } catch (error) {
    const code = (error as { packet?: { granted?: number[] } }).packet?.granted?.[0];
    if (code === undefined) throw error;
    return code;
  }
}

const refusals = async () => {
  const text = await (await fetch(`http://127.0.0.1:${env['METRICS_PORT']}/metrics`)).text();
  return text.split('\n').filter((line) => line.startsWith('msr_mqtt_topic_refusals_total{'));
};

beforeAll(async () => {
  env = await isolatedEnv({ MQTT_HOST: '0.0.0.0', MQTT_ALLOW_ANONYMOUS: 'true' });
  apps = [await startApp('rule-manager', env), await startApp('presence-ingest', env)];
  store = await openEventStore(`sqlite:${join(env['DATA_DIR']!, 'events.db')}`);
  await api('POST', '/api/v1/groups', { groupId: 'GID_vans' });
  await api('POST', '/api/v1/groups', { groupId: 'GID_open' });
  const set = await api('PUT', '/api/v1/groups/GID_vans/topic-permissions', {
    publish: ['vans/${deviceid}/telemetry'],
    subscribe: ['vans/${deviceid}/commands/#', 'fleet/broadcast'],
  });
  expect(set.status).toBe(200);
}, 60_000);

afterAll(async () => {
  for (const client of sessions) client.end(true);
  await Promise.all(apps.map((app) => app.stop()));
  await store.close();
});

describe('topic permissions', () => {
  it('grants the allow-listed filters, with the placeholders filled in, and refuses the rest with 0x87', async () => {
    const van = await device('GID_vans@@@van-7', 5);
    // presence-ingest follows the control plane from the store: wait until the permissions reached it.
    await eventually(
      () => granted(van, 'vans/van-8/commands/#'),
      (code) => code === 0x87,
    );
    expect(await granted(van, 'vans/van-7/commands/+')).toBe(0);
    expect(await granted(van, 'fleet/broadcast')).toBe(0);
    expect(await granted(van, 'vans/van-8/commands/#')).toBe(0x87);
    expect(await granted(van, '#')).toBe(0x87);
  });

  it('answers a refused QoS 1 PUBLISH of an MQTT 5 device with PUBACK 0x87 and keeps it connected', async () => {
    const van = await device('GID_vans@@@van-9', 5);
    await van.publishAsync('vans/van-9/telemetry', 'ok', { qos: 1 });
    await expect(van.publishAsync('vans/van-1/telemetry', 'spoofed', { qos: 1 })).rejects.toMatchObject({
      code: 0x87,
    });
    expect(van.connected).toBe(true);
  });

  it('closes an MQTT 3.1.1 device whose PUBLISH was refused, with tcpclean "not authorized"', async () => {
    const van = await device('GID_vans@@@van-3', 4);
    van.publish('elsewhere/x', 'no', { qos: 0 });
    const events = await eventually(
      () => store.readStream('client-GID_vans@@@van-3'),
      (e) => e.length >= 2,
    );
    expect(events.map((e) => [e.type, e.data['reason']])).toEqual([
      ['ClientConnected', 'accepted'],
      ['ClientConnectionClosed', 'not authorized'],
    ]);
    const traced = await store.readStream('refused-GID_vans@@@van-3');
    expect(traced.map((e) => [e.type, e.data['action'], e.data['detail']])).toEqual([
      ['ClientTopicRefused', 'publish', expect.stringContaining('publish "elsewhere/x" refused')],
    ]);
  });

  it('by default refuses # and $SYS subscriptions from outside addresses, and allows them from loopback', async () => {
    const outside = await device('GID_open@@@outside', 5, outsideAddress());
    expect(await granted(outside, '#')).toBe(0x87);
    expect(await granted(outside, '$SYS/#')).toBe(0x87);
    expect(await granted(outside, 'anything/else/+')).toBe(0);
    const local = await device('GID_open@@@local', 5);
    expect(await granted(local, '#')).toBe(0);
  });

  it('is enforced for Mosquitto’s client library too (SUBACK 128 over MQTT 3.1.1)', async () => {
    const output = await new Promise<string>((resolve) =>
      execFile(
        'mosquitto_sub',
        [
          '-d',
          '-h',
          outsideAddress(),
          '-p',
          env['MQTT_PORT']!,
          '-V',
          'mqttv311',
          '-i',
          'GID_open@@@mosq',
          '-t',
          '#',
          '-W',
          '2',
        ],
        (_error, stdout, stderr) => resolve(stdout + stderr),
      ),
    );
    expect(output).toMatch(/Subscribed \(mid: 1\): 128/);
  });

  it('counts every refusal by action', async () => {
    const lines = await refusals();
    expect(lines.some((line) => /action="subscribe"} [1-9]/.test(line))).toBe(true);
    expect(lines.some((line) => /action="publish"} [1-9]/.test(line))).toBe(true);
  });
});

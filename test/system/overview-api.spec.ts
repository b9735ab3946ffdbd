import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { MqttClient } from 'mqtt';
import { isolatedEnv, startApp, type RunningApp } from '../support/app-processes.js';
import { connackCode } from '../support/mqtt-clients.js';
import { apiOf, eventually, mqttConnector } from '../support/system-clients.js';

/** GET /api/v1/overview on the three apps as processes, with real MQTT clients connecting and closing. */
const VIEWER_SECRET = 'overview-viewer-secret-0123456789';
let env: Record<string, string>;
let apps: RunningApp[] = [];
const clients: MqttClient[] = [];

const api = (...args: Parameters<ReturnType<typeof apiOf>>) => apiOf(env)(...args);
const connect = (clientId: string) => mqttConnector(env, clients)(clientId);
const overview = async () => (await api('GET', '/api/v1/overview')).body;
const total = (body: Record<string, any>, what: string) =>
  (body['presence']['perMinute'] as Record<string, number>[]).reduce((sum, minute) => sum + minute[what]!, 0);

beforeAll(async () => {
  env = await isolatedEnv({
    API_TOKENS: `e2e:admin:e2e-admin-secret-0123456789,watch:viewer:${VIEWER_SECRET}`,
  });
  apps = await Promise.all([
    startApp('rule-manager', env),
    startApp('presence-ingest', env),
    startApp('rocketmq-dispatch', env),
  ]);
  await api('POST', '/api/v1/groups', { groupId: 'GID_ov_a' });
  await api('POST', '/api/v1/groups', { groupId: 'GID_ov_b' });
}, 60_000);

afterAll(async () => {
  for (const client of clients) client.end(true);
  await Promise.all(apps.map((app) => app.stop()));
});

describe('the overview API', () => {
  it('answers every app healthy with its version, and nothing online yet, to a viewer too', async () => {
    const response = await fetch(`http://127.0.0.1:${env['HTTP_PORT']}/api/v1/overview`, {
      headers: { authorization: `Bearer ${VIEWER_SECRET}` },
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, any>;
    expect(body['clients']).toEqual({ online: 0, groupsOnline: 0, topGroups: [] });
    expect(
      body['apps'].map((app: Record<string, unknown>) => [app['app'], app['status'], app['version']]),
    ).toEqual([
      ['rule-manager', 'ok', '0.1.0'],
      ['presence-ingest', 'ok', '0.1.0'],
      ['rocketmq-dispatch', 'ok', '0.1.0'],
    ]);
    expect(body['presence']['perMinute']).toHaveLength(30);
    expect(body['dispatch']).toMatchObject({ lagEvents: 0, lagSeconds: 0, sendLatency: { count: 0 } });
  });

  it('counts the clients online per group, their connects and closes, and a refused CONNECT', async () => {
    await connect('GID_ov_a@@@a-1');
    await connect('GID_ov_a@@@a-2');
    const leaving = await connect('GID_ov_a@@@a-3');
    await connect('GID_ov_b@@@b-1');
    await leaving.endAsync();
    // A keepalive above MQTT_MAX_KEEPALIVE (3600 s): refused, and traced as the client of a registered group.
    const url = `mqtt://127.0.0.1:${env['MQTT_PORT']}`;
    expect(await connackCode(url, { clientId: 'GID_ov_a@@@a-9', keepalive: 7_200, protocolVersion: 4 })).toBe(
      2,
    );

    const body = await eventually(overview, (b) => total(b, 'closes') === 1 && total(b, 'refusals') === 1);
    expect(body['clients']).toEqual({
      online: 3,
      groupsOnline: 2,
      topGroups: [
        { groupId: 'GID_ov_a', online: 2 },
        { groupId: 'GID_ov_b', online: 1 },
      ],
    });
    expect([total(body, 'connects'), total(body, 'closes'), total(body, 'refusals')]).toEqual([4, 1, 1]);
  });

  it('shows an app that is stopped as unreachable and still answers the rest', async () => {
    await apps[2]!.stop();
    const body = await overview();
    expect(body['apps'].map((app: Record<string, unknown>) => [app['app'], app['status']])).toEqual([
      ['rule-manager', 'ok'],
      ['presence-ingest', 'ok'],
      ['rocketmq-dispatch', 'unreachable'],
    ]);
    expect(body['dispatch']).toBeNull();
    expect(body['clients']['online']).toBe(3);
  });
});

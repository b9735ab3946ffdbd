import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import mqtt, { type MqttClient } from 'mqtt';
import { isolatedEnv, startApp, type RunningApp } from '../support/app-processes.js';
import { apiOf, mqttConnector, eventually } from '../support/system-clients.js';

/** SPEC §6 through the API: presence-ingest and rule-manager as processes on one store, real MQTT clients. */
let env: Record<string, string>;
let apps: RunningApp[] = [];
const clients: MqttClient[] = [];

const api = (...args: Parameters<ReturnType<typeof apiOf>>) => apiOf(env)(...args);
const connect = (clientId: string) => mqttConnector(env, clients)(clientId);

beforeAll(async () => {
  env = await isolatedEnv();
  apps = [await startApp('rule-manager', env), await startApp('presence-ingest', env)];
  await api('POST', '/api/v1/groups', { groupId: 'GID_status' });
  await api('POST', '/api/v1/groups', { groupId: 'GID_status_b' }); // shares the text, not the group
}, 60_000);

afterAll(async () => {
  for (const client of clients) client.end(true);
  await Promise.all(apps.map((app) => app.stop()));
});

describe('client status API', () => {
  it('answers single, batch and per-group queries from the per-channel status', async () => {
    const gone = await connect('GID_status@@@gone');
    await connect('GID_status@@@twin');
    await connect('GID_status@@@twin'); // takeover: the first channel closes, the client stays online
    await connect('GID_status@@@steady');
    await connect('GID_status_b@@@other');
    await gone.endAsync();

    const twin = await eventually(
      async () => (await api('GET', '/api/v1/clients/GID_status@@@twin/status')).body,
      (body) => body['lastEvent']?.['seq'] === 3,
    );
    expect(twin).toMatchObject({
      clientId: 'GID_status@@@twin',
      online: true,
      lastEvent: { eventType: 'connect', seq: 3 },
    });
    expect(twin['channels']).toHaveLength(1);
    expect(twin['channels'][0]).toMatchObject({
      channelId: expect.stringMatching(/^[0-9a-f]{32}$/),
      clientIp: expect.stringMatching(/^127\.0\.0\.1:\d+$/),
    });

    const batch = await eventually(
      async () =>
        (
          await api('POST', '/api/v1/clients/status:batch', {
            clientIds: ['GID_status@@@gone', 'GID_status@@@steady', 'GID_status@@@never'],
          })
        ).body,
      (body) => body['items']?.[0]?.online === false,
    );
    expect(batch['items']).toEqual([
      { clientId: 'GID_status@@@gone', online: false },
      { clientId: 'GID_status@@@steady', online: true },
      { clientId: 'GID_status@@@never', online: false },
    ]);

    const online = await api('GET', '/api/v1/groups/GID_status/clients?online=true');
    expect(online.body['items'].map((c: { clientId: string }) => c.clientId)).toEqual([
      'GID_status@@@steady',
      'GID_status@@@twin',
    ]);
    expect(online.body['total']).toBe(2);
    const secondOnline = await api('GET', '/api/v1/groups/GID_status/clients?online=true&pageSize=1&page=2');
    expect(secondOnline.body).toEqual({
      items: [expect.objectContaining({ clientId: 'GID_status@@@twin', online: true })],
      total: 2,
      page: 2,
      pageSize: 1,
    });
    const everyone = await api('GET', '/api/v1/groups/GID_status/clients?pageSize=2');
    expect(everyone.body['total']).toBe(3);
    expect(everyone.body['items']).toEqual([
      expect.objectContaining({ clientId: 'GID_status@@@gone', online: false }),
      expect.objectContaining({ clientId: 'GID_status@@@steady', online: true }),
    ]);
  });

  it('closes a live connection over the bus: tcpclean with reason closed by server, 404 when not connected', async () => {
    const steady = clients.find((client) => client.options.clientId === 'GID_status@@@steady')!;
    const disconnected = new Promise<void>((done) => steady.once('close', () => done()));
    expect(await api('POST', '/api/v1/clients/GID_status@@@steady/close')).toEqual({
      status: 200,
      body: { clientId: 'GID_status@@@steady', closed: true },
    });
    await disconnected;
    const status = await eventually(
      async () => (await api('GET', '/api/v1/clients/GID_status@@@steady/status')).body,
      (body) => body['online'] === false,
    );
    expect(status['lastEvent']).toMatchObject({ eventType: 'tcpclean', reason: 'closed by server', seq: 2 });
    expect((await api('POST', '/api/v1/clients/GID_status@@@steady/close')).status).toBe(404);
  });

  it('shows a client trace with its channels, reasons and refused connects', async () => {
    const sleepy = mqtt.connect(`mqtt://127.0.0.1:${env['MQTT_PORT']}`, {
      clientId: 'GID_status@@@sleepy',
      keepalive: 7_200, // above MQTT_MAX_KEEPALIVE: refused, and traced (its group is registered)
      reconnectPeriod: 0,
    });
    await new Promise((refused) => sleepy.once('error', refused));
    sleepy.end(true);
    const refused = await eventually(
      async () => (await api('GET', '/api/v1/clients/GID_status@@@sleepy/trace')).body,
      (body) => body['total'] === 1,
    );
    expect(refused['items']).toEqual([
      expect.objectContaining({
        action: 'connect',
        actionCode: 'mqtt.trace.action.connect',
        reason: 'invalid param',
        refused: true,
        detail: 'keepalive 7200 s is above MQTT_MAX_KEEPALIVE (3600 s)',
      }),
    ]);
    const unregistered = await api('GET', '/api/v1/clients/GID_unregistered@@@probe/trace');
    expect(unregistered.body['total']).toBe(0);
    const gone = await api('GET', '/api/v1/clients/GID_status@@@gone/trace');
    expect(
      gone.body['items'].map(
        (e: { action: string; reason: string; seq: number }) => `${e.seq} ${e.action} ${e.reason}`,
      ),
    ).toEqual([
      '1 connect accepted',
      '2 disconnect disconnected by client',
      '3 close disconnected by client',
    ]);
    const future = await api('GET', `/api/v1/clients/GID_status@@@gone/trace?from=${Date.now() + 60_000}`);
    expect(future.body['total']).toBe(0);
    expect((await api('GET', '/api/v1/clients/GID_status@@@gone/trace?from=yesterday')).body).toMatchObject({
      status: 400,
      errors: [{ field: 'from' }],
    });
  });

  it('refuses malformed client IDs and oversized batches with a problem naming the field', async () => {
    expect((await api('GET', '/api/v1/clients/not-a-client/status')).body).toMatchObject({
      status: 400,
      errors: [{ field: 'clientId' }],
    });
    const tooMany = Array.from({ length: 101 }, (_, i) => `GID_status@@@d${i}`);
    expect((await api('POST', '/api/v1/clients/status:batch', { clientIds: tooMany })).body).toMatchObject({
      status: 400,
      errors: [{ field: 'clientIds', rule: 'length' }],
    });
  });
});

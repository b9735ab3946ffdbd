import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { MqttClient } from 'mqtt';
import { join } from 'node:path';
import { readArchive } from '#libs/event-archive';
import { isolatedEnv, startApp, type RunningApp } from '../support/app-processes.js';
import { collectMessages, createConsumerGroup, createTopic } from '../support/rocketmq.js';
import { apiOf, eventually, mqttConnector } from '../support/system-clients.js';

/**
 * Retention with all apps as processes and EVENT_RETENTION=2s: a client's presence events stay while dispatch has
 * not forwarded them, disappear once it has, the client's sequence continues, its status still answers right, and
 * a replay of the removed range is refused with the time from which events are kept; what was removed is in
 * ARCHIVE_DIR first.
 */
const TOPIC = `retention-${Date.now()}`;
const GROUP = 'GID_retention';
const CLIENT = `${GROUP}@@@dev-1`;
const CONSUMER_GROUP = `retention-consumer-${Date.now()}`;

let env: Record<string, string>;
const apps: RunningApp[] = [];
const clients: MqttClient[] = [];
const api = (...args: Parameters<ReturnType<typeof apiOf>>) => apiOf(env)(...args);
const trace = async () => (await api('GET', `/api/v1/clients/${CLIENT}/trace`)).body;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  await createTopic(TOPIC, { fifo: true });
  await createConsumerGroup(CONSUMER_GROUP);
  env = await isolatedEnv({ EVENT_RETENTION: '2s' });
  env['ARCHIVE_DIR'] = join(env['DATA_DIR']!, 'archive');
  apps.push(...(await Promise.all([startApp('rule-manager', env), startApp('presence-ingest', env)])));
  const endpoints = process.env['ROCKETMQ_ENDPOINT']!;
  await api('POST', '/api/v1/rocketmq-instances', { instanceId: 'rmq-local', region: 'local', endpoints });
  await api('POST', '/api/v1/groups', { groupId: GROUP });
  const rule = await api('POST', '/api/v1/rules', {
    ruleId: 'kept-short',
    status: 'ENABLED',
    ruleType: 'CLIENT_STATUS_NOTIFY',
    source: { groupId: GROUP },
    target: { serviceType: 'ROCKETMQ', instanceId: 'rmq-local', topic: TOPIC },
  });
  expect(rule.status).toBe(201);
}, 120_000);

afterAll(async () => {
  for (const client of clients) client.end(true);
  await Promise.all(apps.map((app) => app.stop()));
});

describe('retention with every app running', () => {
  const startedAt = Date.now();

  it('keeps presence events past retention while dispatch has not forwarded them', async () => {
    const first = await mqttConnector(env, clients)(CLIENT);
    await new Promise<void>((done) => first.end(false, {}, () => done()));
    await eventually(trace, (body) => body['total'] === 3);
    await sleep(5_000);
    expect(await trace()).toMatchObject({ total: 3 });
    expect(await trace()).not.toHaveProperty('retainedSince');
  }, 60_000);

  it('removes them once dispatch forwarded them; the sequence and the status carry on', async () => {
    apps.push(await startApp('rocketmq-dispatch', env));
    const forwarded = await collectMessages(TOPIC, {
      consumerGroup: CONSUMER_GROUP,
      expected: 3,
      timeoutMs: 60_000,
    });
    expect(forwarded.map((m) => `${m.tag} ${m.properties['seq']}`)).toEqual([
      'connect 1',
      'disconnect 2',
      'tcpclean 3',
    ]);
    const emptied = await eventually(trace, (body) => body['total'] === 0, 30_000);
    expect(emptied['retainedSince']).toEqual(expect.any(String));

    await mqttConnector(env, clients)(CLIENT);
    const again = await collectMessages(TOPIC, {
      consumerGroup: CONSUMER_GROUP,
      expected: 1,
      timeoutMs: 60_000,
    });
    expect(again.map((m) => `${m.tag} ${m.properties['seq']}`)).toEqual(['connect 4']);
    expect((await api('GET', `/api/v1/clients/${CLIENT}/status`)).body).toMatchObject({ online: true });
    const metrics = await (await fetch(`http://127.0.0.1:${env['HTTP_PORT']}/metrics`)).text();
    expect(Number(/^msr_retention_removed_events_total (\d+)/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(3);
  }, 120_000);

  it('refuses a replay of the removed range, saying from when events are kept', async () => {
    const replay = await api('POST', '/api/v1/rules/kept-short/replay', {
      from: new Date(startedAt - 60_000).toISOString(),
      to: new Date().toISOString(),
    });
    expect(replay).toMatchObject({
      status: 422,
      body: { code: 'RANGE_PAST_RETENTION', errors: [{ field: 'from', rule: 'retained' }] },
    });
    expect(Date.parse(replay.body['retainedSince'])).toBeGreaterThan(startedAt);
  }, 30_000);

  it('wrote every removed event to ARCHIVE_DIR before removing it', async () => {
    const archived: string[] = [];
    for await (const event of readArchive(env['ARCHIVE_DIR']!, { categories: ['client'] }))
      archived.push(`${event.stream} ${event.version} ${event.type}`);
    expect(archived.slice(0, 3)).toEqual([
      `client-${CLIENT} 1 ClientConnected`,
      `client-${CLIENT} 2 ClientDisconnected`,
      `client-${CLIENT} 3 ClientConnectionClosed`,
    ]);
    // Outcomes are removed (so archived) in a later run, once they are past the retention period too.
    const archivedOutcomes = async () => {
      const types: string[] = [];
      for await (const event of readArchive(env['ARCHIVE_DIR']!, { categories: ['delivery'] }))
        types.push(event.type);
      return types;
    };
    const outcomes = await eventually(archivedOutcomes, (types) => types.length >= 3, 20_000);
    expect(outcomes.slice(0, 3)).toEqual([
      'NotificationForwarded',
      'NotificationForwarded',
      'NotificationForwarded',
    ]);
  }, 30_000);
});

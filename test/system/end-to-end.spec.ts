import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { collectMessages, createConsumerGroup, createTopic } from '../support/rocketmq.js';
import { Scrape } from '../support/prometheus.js';
import { eventually, startThreeApps } from '../support/system-clients.js';

/**
 * The walking skeleton on real parts: three apps as processes, a real RocketMQ, real MQTT clients. One client
 * status notification per connect / disconnect / tcpclean of the rule's group reaches the topic, nothing else.
 */
const TOPIC = `e2e-status-${Date.now()}`;
const GROUP = 'GID_e2e';
const OTHER_GROUP = 'GID_other';
const CONSUMER_GROUP = `e2e-consumer-${Date.now()}`;

let deployment: Awaited<ReturnType<typeof startThreeApps>>;
const api = (...args: Parameters<typeof deployment.api>) => deployment.api(...args);
const connect = (clientId: string) => deployment.connect(clientId);

beforeAll(async () => {
  await createTopic(TOPIC, { fifo: true });
  await createConsumerGroup(CONSUMER_GROUP);
  deployment = await startThreeApps();
}, 120_000);

afterAll(() => deployment?.stop());

describe('a client status notification, end to end', () => {
  it('registers a RocketMQ instance, two groups and a rule over HTTP', async () => {
    const endpoints = process.env['ROCKETMQ_ENDPOINT']!;
    expect(
      (
        await api('POST', '/api/v1/rocketmq-instances', {
          instanceId: 'rmq-local',
          region: 'local',
          endpoints,
        })
      ).status,
    ).toBe(201);
    expect((await api('POST', '/api/v1/groups', { groupId: GROUP })).status).toBe(201);
    expect((await api('POST', '/api/v1/groups', { groupId: OTHER_GROUP })).status).toBe(201);
    const rule = await api('POST', '/api/v1/rules', {
      ruleId: 'e2e-status',
      status: 'ENABLED',
      ruleType: 'CLIENT_STATUS_NOTIFY',
      source: { groupId: GROUP },
      target: { serviceType: 'ROCKETMQ', instanceId: 'rmq-local', topic: TOPIC },
    });
    expect(rule).toMatchObject({
      status: 201,
      body: { ruleId: 'e2e-status', status: 'ENABLED', version: 4 },
    });
    expect((await api('GET', '/api/v1/rules/e2e-status')).body).toEqual(rule.body);
  });

  it('forwards exactly the connects, disconnects and tcpcleans of the rule group', async () => {
    const clean = await connect(`${GROUP}@@@clean`);
    const dropped = await connect(`${GROUP}@@@dropped`);
    await connect(`${GROUP}@@@stays`);
    await connect(`${OTHER_GROUP}@@@elsewhere`);
    await new Promise<void>((done) => clean.end(false, {}, () => done()));
    dropped.stream.destroy();

    const messages = await collectMessages(TOPIC, {
      consumerGroup: CONSUMER_GROUP,
      expected: 6,
      timeoutMs: 60_000,
    });
    const seen = messages.map((m) => `${JSON.parse(m.body).clientId} ${m.tag} ${m.properties['seq']}`).sort();
    expect(seen).toEqual([
      `${GROUP}@@@clean connect 1`,
      `${GROUP}@@@clean disconnect 2`,
      `${GROUP}@@@clean tcpclean 3`,
      `${GROUP}@@@dropped connect 1`,
      `${GROUP}@@@dropped tcpclean 2`,
      `${GROUP}@@@stays connect 1`,
    ]);

    for (const message of messages) {
      const body = JSON.parse(message.body) as Record<string, unknown>;
      expect(Object.keys(body)).toEqual(['clientId', 'time', 'eventType', 'channelId', 'clientIp']);
      expect(body['eventType']).toBe(message.tag);
      expect(body['channelId']).toMatch(/^[0-9a-f]{32}$/);
      expect(body['clientIp']).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(Math.abs(Date.now() - (body['time'] as number))).toBeLessThan(120_000);
      expect(message.keys).toEqual([body['clientId'], `e2e-status:${message.properties['eventId']}`]);
      expect(message.messageGroup).toBe(body['clientId']);
      expect(message.properties).toMatchObject({
        ruleId: 'e2e-status',
        instanceId: 'mqtt-test',
        protocolVersion: '4',
      });
    }
    const channels = (client: string) =>
      new Set(
        messages.filter((m) => m.body.includes(`@@@${client}"`)).map((m) => JSON.parse(m.body).channelId),
      );
    expect([channels('clean').size, channels('dropped').size, channels('stays').size]).toEqual([1, 1, 1]);
    // Nothing else arrives: no notification for the other group's client, no duplicate.
    const extra = await collectMessages(TOPIC, {
      consumerGroup: CONSUMER_GROUP,
      expected: 1,
      timeoutMs: 5_000,
    });
    expect(extra).toEqual([]);

    const dropReason = messages.find((m) => m.tag === 'tcpclean' && m.body.includes('@@@dropped'))!
      .properties['reason'];
    expect(dropReason).toBe('closed by client');
    const cleanReason = messages.find((m) => m.tag === 'disconnect')!.properties['reason'];
    expect(cleanReason).toBe('disconnected by client');
  }, 90_000);

  it('counts the forwarded notifications and their latencies on rocketmq-dispatch /metrics', async () => {
    const url = `http://127.0.0.1:${Number(deployment.env['METRICS_PORT']) + 1}/metrics`;
    const rule = { rule_id: 'e2e-status' };
    const scrape = await eventually(
      () => Scrape.of(url),
      (s) => s.value('msr_dispatch_lag_events') === 0,
    );
    expect(scrape.value('msr_dispatch_notifications_forwarded_total', rule)).toBe(6);
    expect(scrape.value('msr_dispatch_delivery_latency_seconds_count', rule)).toBe(6);
    const failed = scrape.matching('msr_dispatch_notifications_failed_total', rule);
    const attempts = 6 + failed.reduce((sum, sample) => sum + sample.value, 0);
    expect(scrape.value('msr_dispatch_send_duration_seconds_count', rule)).toBe(attempts);
    expect(scrape.value('msr_dispatch_send_duration_seconds_sum', rule)).toBeGreaterThan(0);
    expect(scrape.value('msr_dispatch_notifications_dead_lettered_total', rule)).toBeUndefined();
    expect(scrape.value('msr_dispatch_lag_seconds')).toBe(0);
    expect(scrape.value('msr_dispatch_notifications_pending')).toBe(0);
    expect(scrape.value('msr_dispatch_sends_in_flight')).toBe(0);
  });
});

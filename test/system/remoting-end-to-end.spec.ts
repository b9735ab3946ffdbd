import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Scrape } from '../support/prometheus.js';
import { collectOverRemoting } from '../support/remoting-consumer.js';
import { createTopic, namesrv } from '../support/rocketmq.js';
import { eventually, startThreeApps } from '../support/system-clients.js';

/**
 * Issue 15 on real parts: a rule whose RocketMQ instance is a name server (the remoting protocol, no proxy in the
 * path), three apps as processes, real MQTT clients; a remoting consumer reads the topic. SPEC §5's message, the
 * message IDs recorded as outcomes, each client on one queue, and the same metrics as the gRPC kind.
 */
const TOPIC = `remoting-e2e-${Date.now()}`;
const GROUP = 'GID_remoting_e2e';

let deployment: Awaited<ReturnType<typeof startThreeApps>>;
const api = (...args: Parameters<typeof deployment.api>) => deployment.api(...args);
const connect = (clientId: string) => deployment.connect(clientId);

beforeAll(async () => {
  await createTopic(TOPIC); // a normal topic: the remoting kind still keeps each client on one queue
  deployment = await startThreeApps();
}, 120_000);

afterAll(() => deployment?.stop());

describe('a client status notification over the remoting protocol, end to end', () => {
  it('registers a name server instance and a rule on it, the topic checked through the name server', async () => {
    const instance = await api('POST', '/api/v1/rocketmq-instances', {
      instanceId: 'rmq-remoting',
      region: 'local',
      nameServer: namesrv(),
    });
    expect(instance).toMatchObject({ status: 201, body: { nameServer: namesrv() } });
    expect((await api('POST', '/api/v1/groups', { groupId: GROUP })).status).toBe(201);
    const rule = await api('POST', '/api/v1/rules', {
      ruleId: 'remoting-e2e',
      status: 'ENABLED',
      ruleType: 'CLIENT_STATUS_NOTIFY',
      source: { groupId: GROUP },
      target: { serviceType: 'ROCKETMQ', instanceId: 'rmq-remoting', topic: TOPIC },
    });
    expect(rule.status).toBe(201);
    expect(rule.body['warnings']).toBeUndefined();
  });

  it('forwards connect, disconnect and tcpclean with SPEC §5 tag, body, keys and properties', async () => {
    const clean = await connect(`${GROUP}@@@clean`);
    await connect(`${GROUP}@@@stays`);
    await new Promise<void>((done) => clean.end(false, {}, () => done()));

    const received = await collectOverRemoting(TOPIC, { consumerGroup: `${TOPIC}-g`, expected: 4 });
    const seen = received.map((m) => `${m.properties['__SHARDINGKEY']} ${m.tag} ${m.properties['seq']}`);
    expect(seen.sort()).toEqual([
      `${GROUP}@@@clean connect 1`,
      `${GROUP}@@@clean disconnect 2`,
      `${GROUP}@@@clean tcpclean 3`,
      `${GROUP}@@@stays connect 1`,
    ]);
    for (const message of received) {
      const body = JSON.parse(message.body.toString('utf8')) as Record<string, unknown>;
      expect(Object.keys(body)).toEqual(['clientId', 'time', 'eventType', 'channelId', 'clientIp']);
      expect(body['eventType']).toBe(message.tag);
      expect(message.keys).toEqual([body['clientId'], `remoting-e2e:${message.properties['eventId']}`]);
      expect(message.properties).toMatchObject({
        ruleId: 'remoting-e2e',
        instanceId: 'mqtt-test',
        reason: expect.any(String),
      });
    }
    const cleanQueues = new Set(received.filter((m) => m.body.includes('@@@clean"')).map((m) => m.queueId));
    expect(cleanQueues.size).toBe(1);

    // The message IDs a consumer reads are the ones recorded as the notifications' outcomes.
    const log = await eventually(
      () => api('GET', '/api/v1/notifications?ruleId=remoting-e2e'),
      (answer) => answer.body['total'] === 4,
    );
    const recorded = (log.body['items'] as { outcome: string; messageId: string }[]).map((item) => [
      item.outcome,
      item.messageId,
    ]);
    expect(recorded.sort()).toEqual(received.map((m) => ['forwarded', m.messageId]).sort());
  }, 90_000);

  it('counts them on rocketmq-dispatch /metrics as the gRPC kind does', async () => {
    const url = `http://127.0.0.1:${Number(deployment.env['METRICS_PORT']) + 1}/metrics`;
    const rule = { rule_id: 'remoting-e2e' };
    const scrape = await eventually(
      () => Scrape.of(url),
      (s) => s.value('msr_dispatch_lag_events') === 0,
    );
    expect(scrape.value('msr_dispatch_notifications_forwarded_total', rule)).toBe(4);
    expect(scrape.value('msr_dispatch_delivery_latency_seconds_count', rule)).toBe(4);
    expect(scrape.value('msr_dispatch_notifications_dead_lettered_total', rule)).toBeUndefined();
    expect(scrape.value('msr_dispatch_notifications_pending')).toBe(0);
  });
});

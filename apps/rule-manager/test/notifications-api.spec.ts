import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { newEventId } from '#libs/event-store';
import { deliveryStream, type DeliveryOutcome } from '#libs/notifications';
import { startRuleManager, VIEWER_SECRET } from './support/rule-manager-harness.js';

/** The delivery log over the outcomes rocketmq-dispatch records in a rule's delivery stream. */
let manager: Awaited<ReturnType<typeof startRuleManager>>;

const ref = (client: string, seq: number, eventTime: number) => ({
  notificationId: `status:${client}-${seq}`,
  ruleId: 'status',
  ruleVersion: 4,
  eventId: `${client}-${seq}`,
  clientId: `GID_fleet@@@${client}`,
  seq,
  eventType: 'connect',
  eventTime,
  topic: 'device-status',
  rocketmqInstanceId: 'rmq-1',
});

beforeAll(async () => {
  manager = await startRuleManager();
  const outcomes: DeliveryOutcome[] = [
    {
      type: 'NotificationFailed',
      data: { ...ref('van-1', 1, 1_000), attempt: 1, failure: 'transient', error: 'UNAVAILABLE' },
    },
    {
      type: 'NotificationForwarded',
      data: { ...ref('van-1', 1, 1_000), messageId: 'msg-1', attempts: 2, latencyMs: 40 },
    },
    {
      type: 'NotificationForwarded',
      data: { ...ref('van-2', 1, 2_000), messageId: 'msg-2', attempts: 1, latencyMs: 8 },
    },
    {
      type: 'NotificationDeadLettered',
      data: { ...ref('van-1', 2, 3_000), attempts: 5, error: 'NotFoundException' },
    },
  ];
  await manager.store.append(
    deliveryStream('status'),
    outcomes.map((outcome) => ({
      eventId: newEventId(),
      ...outcome,
      metadata: { actor: 'rocketmq-dispatch', occurredAt: 5_000 },
    })),
    'any',
  );
});

afterAll(() => manager.stop());

describe('GET /api/v1/notifications', () => {
  it('lists a rule’s notifications with their event, rule version, message ID, attempts, latency and outcome', async () => {
    const response = await manager.call('GET', '/api/v1/notifications?ruleId=status');
    expect(response.status).toBe(200);
    expect(response.body['total']).toBe(3);
    expect(response.body['items'][0]).toMatchObject({
      clientId: 'GID_fleet@@@van-1',
      seq: 1,
      eventType: 'connect',
      eventTime: new Date(1_000).toISOString(),
      ruleVersion: 4,
      outcome: 'forwarded',
      messageId: 'msg-1',
      attempts: 2,
      latencyMs: 40,
    });
    expect(response.body['items'].map((item: { outcome: string }) => item.outcome)).toEqual([
      'forwarded',
      'forwarded',
      'dead-lettered',
    ]);
  });

  it('filters by client and by the event’s time, for a viewer too', async () => {
    const viewer = { authorization: `Bearer ${VIEWER_SECRET}` };
    const own = await manager.call(
      'GET',
      '/api/v1/notifications?ruleId=status&clientId=GID_fleet@@@van-1',
      undefined,
      viewer,
    );
    expect(own.body['items'].map((item: { seq: number }) => item.seq)).toEqual([1, 2]);
    const window = await manager.call('GET', '/api/v1/notifications?ruleId=status&from=1500&to=2500');
    expect(window.body['items'].map((item: { clientId: string }) => item.clientId)).toEqual([
      'GID_fleet@@@van-2',
    ]);
  });

  it('names the field when the rule ID or the limit is missing or wrong', async () => {
    const missing = await manager.call('GET', '/api/v1/notifications');
    expect(missing.status).toBe(400);
    expect(JSON.stringify(missing.body)).toContain('ruleId');
    const limit = await manager.call('GET', '/api/v1/notifications?ruleId=status&limit=0');
    expect(limit.status).toBe(400);
    expect(JSON.stringify(limit.body)).toContain('limit');
  });
});

import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { newEventId } from '#libs/event-store';
import { deliveryStream, redriveStream } from '#libs/notifications';
import { clientStream } from '#libs/presence';
import { startRuleManager } from './support/rule-manager-harness.js';

/** Replay and redrive refusals and a redrive's record, through the API on a real store (no dispatch running). */
let manager: Awaited<ReturnType<typeof startRuleManager>>;

const CLIENT = 'GID_fleet@@@van-1';
const presence = (time: number) => ({
  eventId: newEventId(),
  type: 'ClientConnected',
  data: { clientId: CLIENT, channelId: 'c'.repeat(32), clientIp: '10.0.0.1:5000', time, reason: 'accepted' },
  metadata: { actor: 'presence-ingest', occurredAt: time },
});
const deadLettered = (seq: number, outcomeId: string) => ({
  eventId: outcomeId,
  type: 'NotificationDeadLettered',
  data: {
    notificationId: `status:event-${seq}`,
    ruleId: 'status',
    ruleVersion: 4,
    eventId: `event-${seq}`,
    clientId: CLIENT,
    seq,
    eventType: 'connect',
    eventTime: 1_000 * seq,
    topic: 'device-status',
    rocketmqInstanceId: 'rmq-1',
    attempts: 5,
    error: 'NotFoundException',
  },
  metadata: { actor: 'rocketmq-dispatch', occurredAt: 5_000 },
});
const [STORED, GONE] = [newEventId(), newEventId()];

beforeAll(async () => {
  manager = await startRuleManager();
  await manager.store.append(clientStream(CLIENT), [presence(1_000)], 'no_stream');
  // The second dead letter's presence event (seq 2) was never stored here: as if retention had dropped it.
  await manager.store.append(
    deliveryStream('status'),
    [deadLettered(1, STORED), deadLettered(2, GONE)],
    'any',
  );
  for (let i = 0; i < 200; i++) {
    if ((await manager.call('GET', '/api/v1/dead-letters')).body['total'] === 2) return;
    await sleep(50);
  }
  throw new Error('the dead letters were not projected');
});

afterAll(() => manager.stop());

const plainProblem = (status: number, title: string, detail: string, instance: string) => ({
  status,
  body: { type: 'about:blank', title, status, detail, instance },
});

describe('POST /api/v1/dead-letters/:id/redrive', () => {
  it('refuses a dead letter that does not exist, and one whose presence event is gone', async () => {
    const unknown = '/api/v1/dead-letters/status:no-such-letter/redrive';
    expect(await manager.call('POST', unknown)).toMatchObject(
      plainProblem(404, 'Not found', 'dead letter status:no-such-letter does not exist', unknown),
    );
    const gone = `/api/v1/dead-letters/status:${GONE}/redrive`;
    expect(await manager.call('POST', gone)).toMatchObject(
      plainProblem(
        404,
        'Not found',
        `the presence event of dead letter status:${GONE} is no longer stored`,
        gone,
      ),
    );
    expect(await manager.store.readStream(redriveStream(`status:${GONE}`))).toEqual([]);
  });

  it('records the redrive whole, and refuses a second one at once, before the read model shows the first', async () => {
    const path = `/api/v1/dead-letters/status:${STORED}/redrive`;
    const first = await manager.call('POST', path);
    expect(first).toMatchObject({
      status: 202,
      body: { deadLetterId: `status:${STORED}`, notificationId: 'status:event-1' },
    });
    const redriveId = first.body['redriveId'] as string;
    expect(await manager.call('POST', path)).toMatchObject(
      plainProblem(409, 'Conflict', `dead letter status:${STORED} was redriven already (${redriveId})`, path),
    );
    const recorded = await manager.store.readStream(redriveStream(`status:${STORED}`));
    expect(recorded.map(({ eventId, type }) => [eventId, type])).toEqual([
      [redriveId, 'RedriveRequested'],
      [expect.any(String), 'NotificationResendRequested'],
    ]);
    expect(recorded[1]!.data['notification']).toMatchObject({
      notificationId: 'status:event-1',
      event: { clientId: CLIENT, time: 1_000 },
      resend: { kind: 'redrive', id: redriveId },
    });
  });
});

describe('POST /api/v1/rules/:ruleId/replay', () => {
  it('refuses a rule that does not exist with its problem code', async () => {
    const path = '/api/v1/rules/no-such-rule/replay';
    expect(await manager.call('POST', path, { from: 0, to: 1_000 })).toMatchObject({
      status: 404,
      body: {
        type: 'urn:mqtt-status-relay:problem:rule-not-found',
        code: 'RULE_NOT_FOUND',
        detail: 'rule no-such-rule does not exist',
        errors: [{ field: 'ruleId', rule: 'exists' }],
        instance: path,
      },
    });
  });
});

import { describe, expect, it } from '@jest/globals';
import {
  deliveryKey,
  emptyDeliveryCounters,
  evolveDeliveryCounters,
  isSelectedForReplay,
  MINUTES_KEPT,
  notificationLog,
  notificationRef,
  pendingOf,
  redriveOf,
  replayOf,
  toStatusMessage,
  type DeliveryCounters,
  type DeliveryFact,
  type Notification,
} from './index.js';
import { notification } from './testing/redelivery.fixtures.js';

const fold = (facts: DeliveryFact[]): DeliveryCounters =>
  facts.reduce(evolveDeliveryCounters, emptyDeliveryCounters('rule-1'));
const outcome = (
  type: 'NotificationForwarded' | 'NotificationDeadLettered' | 'NotificationFailed',
  n: Notification,
  at = 0,
) =>
  ({
    type,
    at,
    data: { ...notificationRef(n), messageId: 'm', attempts: 1, latencyMs: 1, attempt: 1, error: 'x' },
  }) as DeliveryFact;

describe('replay and redrive of notifications', () => {
  it('selects by rule, time range (inclusive), client and event type', () => {
    const selection = { ruleId: 'rule-1', from: 2_000, to: 3_000 };
    expect([1, 2, 3, 4].filter((seq) => isSelectedForReplay(notification(seq), selection))).toEqual([2, 3]);
    expect(isSelectedForReplay(notification(2), { ...selection, clientId: 'GID_fleet@@@van-2' })).toBe(false);
    expect(isSelectedForReplay(notification(2), { ...selection, eventType: 'tcpclean' })).toBe(false);
    expect(isSelectedForReplay(notification(2), { ...selection, ruleId: 'rule-2' })).toBe(false);
  });

  it('keeps the notification ID, marks the message and gives each resend its own delivery', () => {
    const replayed = replayOf(notification(1), 'replay-9', 'other-topic');
    expect(replayed).toMatchObject({ notificationId: 'rule-1:event-1', target: { topic: 'other-topic' } });
    const message = toStatusMessage(replayed, { fifo: true }, 'mqtt-1');
    expect(message.keys).toEqual(['GID_fleet@@@van-1', 'rule-1:event-1']);
    expect(message.properties['replay']).toBe('replay-9');
    expect(toStatusMessage(notification(1), { fifo: true }, 'mqtt-1').properties).not.toHaveProperty(
      'replay',
    );
    expect(deliveryKey(notification(1))).toBe('rule-1:event-1');
    expect(deliveryKey(replayed)).toBe('rule-1:event-1/replay/replay-9');
  });

  it('rebuilds a dead letter for its redrive with its first rule version and destination', () => {
    const original = notification(2);
    const redriven = redriveOf(notificationRef(original), original.event, 'redrive-1');
    expect(redriven).toEqual({ ...original, resend: { kind: 'redrive', id: 'redrive-1' } });
    expect(toStatusMessage(redriven, { fifo: false }, 'mqtt-1').properties['redrive']).toBe('redrive-1');
  });

  it('logs a replay apart from the first delivery of the same notification', () => {
    const first = notificationRef(notification(1));
    const again = notificationRef(replayOf(notification(1), 'replay-9', 'device-status'));
    const log = notificationLog([
      {
        type: 'NotificationForwarded',
        data: { ...first, messageId: 'a', attempts: 1, latencyMs: 5 },
        recordedAt: 1,
      },
      {
        type: 'NotificationForwarded',
        data: { ...again, messageId: 'b', attempts: 1, latencyMs: 5 },
        recordedAt: 2,
      },
    ]);
    expect(log.map((record) => [record.messageId, record.resend?.id])).toEqual([
      ['a', undefined],
      ['b', 'replay-9'],
    ]);
  });
});

describe('delivery counters', () => {
  it('add up: matched = forwarded + dead-lettered + pending, through a redrive and a replay', () => {
    const [one, two, three] = [notification(1), notification(2), notification(3)];
    const matched: DeliveryFact = { type: 'NotificationMatched', at: 0 };
    let counters = fold([
      matched,
      matched,
      matched,
      outcome('NotificationForwarded', one),
      outcome('NotificationFailed', two),
      outcome('NotificationDeadLettered', two),
    ]);
    expect(counters).toMatchObject({ matched: 3, forwarded: 1, deadLettered: 1, failedAttempts: 1 });
    expect(pendingOf(counters)).toBe(1);

    const redrive = {
      redriveId: 'r',
      deadLetterId: 'rule-1:x',
      ruleId: 'rule-1',
      notificationId: two.notificationId,
    };
    counters = [
      { type: 'RedriveRequested', data: redrive, at: 0 } as DeliveryFact,
      outcome('NotificationForwarded', redriveOf(notificationRef(two), two.event, 'r')),
      { type: 'ReplayRequested', data: { notifications: 2, ruleId: 'rule-1' }, at: 0 } as DeliveryFact,
      outcome('NotificationForwarded', replayOf(one, 'p', 't')),
      outcome('NotificationDeadLettered', replayOf(three, 'p', 't')),
    ].reduce(evolveDeliveryCounters, counters);
    expect(counters).toMatchObject({
      matched: 3,
      forwarded: 2,
      deadLettered: 0,
      redriven: 1,
      replayed: 2,
      replayForwarded: 1,
      replayDeadLettered: 1,
    });
    expect(pendingOf(counters)).toBe(1);
    expect(counters.matched).toBe(counters.forwarded + counters.deadLettered + pendingOf(counters));
  });

  it('counts sends per minute and keeps the last hour', () => {
    const minute = 60_000;
    const facts = [
      outcome('NotificationForwarded', notification(1), 10),
      outcome('NotificationFailed', notification(2), minute - 1),
      outcome('NotificationForwarded', notification(3), minute + 5),
    ];
    expect(fold(facts).perMinute).toEqual({
      '0': { forwarded: 1, failed: 1 },
      [String(minute)]: { forwarded: 1, failed: 0 },
    });
    const later = outcome('NotificationForwarded', notification(4), MINUTES_KEPT * minute);
    expect(Object.keys(fold([...facts, later]).perMinute)).toEqual([
      String(minute),
      String(MINUTES_KEPT * minute),
    ]);
  });
});

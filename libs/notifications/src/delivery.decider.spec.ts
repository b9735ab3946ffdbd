import { describe, expect, it } from '@jest/globals';
import {
  decideDelivery,
  LEASE_RECHECK_MS,
  notificationRef,
  type AttemptResult,
  type DeliveryPolicy,
  type Notification,
} from './index.js';

const policy: DeliveryPolicy = { maxAttempts: 3, baseBackoffMs: 1_000, maxBackoffMs: 4_000 };

const notification: Notification = {
  notificationId: 'rule-1:event-7',
  ruleId: 'rule-1',
  ruleVersion: 2,
  target: { instanceId: 'rmq-1', topic: 'device-status' },
  eventId: 'event-7',
  seq: 7,
  eventType: 'disconnect',
  event: {
    clientId: 'GID_fleet@@@van-1',
    channelId: 'c'.repeat(32),
    clientIp: '10.0.0.1:5000',
    time: 50_000,
    reason: 'disconnected by client',
  },
};
const ref = notificationRef(notification);

/** Given the attempt number, when the attempt came to `result` at 50,012 ms, then … */
const when = (attempt: number, result: AttemptResult) =>
  decideDelivery({ notification, attempt, result, now: 50_012 }, policy);

describe('decideDelivery', () => {
  it('forwarded: records the message ID, the attempts and the latency, and the lane moves on', () => {
    expect(when(2, { messageId: 'MSG-1' })).toEqual({
      outcomes: [
        { type: 'NotificationForwarded', data: { ...ref, messageId: 'MSG-1', attempts: 2, latencyMs: 12 } },
      ],
      next: 'done',
    });
  });

  it('transient: records the failure and retries with doubling backoff, however many attempts were made', () => {
    const first = when(1, { failure: 'transient', error: 'UNAVAILABLE' });
    expect(first).toEqual({
      outcomes: [
        {
          type: 'NotificationFailed',
          data: { ...ref, attempt: 1, failure: 'transient', error: 'UNAVAILABLE', retryInMs: 1_000 },
        },
      ],
      next: 'retry',
      retryInMs: 1_000,
    });
    expect(when(2, { failure: 'transient', error: 'UNAVAILABLE' })).toMatchObject({ retryInMs: 2_000 });
    expect(when(50, { failure: 'transient', error: 'UNAVAILABLE' })).toMatchObject({
      next: 'retry',
      retryInMs: 4_000,
    });
  });

  it('permanent before the last attempt: records the failure and retries', () => {
    expect(when(2, { failure: 'permanent', error: 'topic not found' })).toEqual({
      outcomes: [
        {
          type: 'NotificationFailed',
          data: { ...ref, attempt: 2, failure: 'permanent', error: 'topic not found', retryInMs: 2_000 },
        },
      ],
      next: 'retry',
      retryInMs: 2_000,
    });
  });

  it('dead-lettered: the last permanent failure is recorded without a retry, then the dead letter', () => {
    expect(when(3, { failure: 'permanent', error: 'topic not found' })).toEqual({
      outcomes: [
        {
          type: 'NotificationFailed',
          data: { ...ref, attempt: 3, failure: 'permanent', error: 'topic not found' },
        },
        { type: 'NotificationDeadLettered', data: { ...ref, attempts: 3, error: 'topic not found' } },
      ],
      next: 'done',
    });
  });

  it('lease lost: nothing is recorded and the notification is looked at again soon', () => {
    expect(when(1, { leaseLost: true })).toEqual({
      outcomes: [],
      next: 'retry',
      retryInMs: LEASE_RECHECK_MS,
    });
  });
});

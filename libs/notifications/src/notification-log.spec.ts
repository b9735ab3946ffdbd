import { describe, expect, it } from '@jest/globals';
import { notificationLog, type RecordedOutcome } from './index.js';

const ref = (seq: number) => ({
  notificationId: `rule-1:event-${seq}`,
  ruleId: 'rule-1',
  ruleVersion: 4,
  eventId: `event-${seq}`,
  clientId: 'GID_fleet@@@van-1',
  seq,
  eventType: 'connect',
  eventTime: 1_000 + seq,
  topic: 'device-status',
  rocketmqInstanceId: 'rmq-1',
});

const failed = (seq: number, attempt: number, at: number): RecordedOutcome => ({
  type: 'NotificationFailed',
  data: { ...ref(seq), attempt, failure: 'transient', error: 'UNAVAILABLE', retryInMs: 200 },
  recordedAt: at,
});
const forwarded = (seq: number, messageId: string, attempts: number, at: number): RecordedOutcome => ({
  type: 'NotificationForwarded',
  data: { ...ref(seq), messageId, attempts, latencyMs: 12 },
  recordedAt: at,
});

describe('the notification log', () => {
  it('gives one record per notification with its attempts, message ID and outcome', () => {
    const log = notificationLog([
      failed(1, 1, 2_000),
      failed(2, 1, 2_001),
      forwarded(1, 'msg-1', 2, 2_500),
      failed(2, 2, 2_600),
    ]);
    expect(log).toEqual([
      {
        ...ref(1),
        outcome: 'forwarded',
        attempts: 2,
        messageId: 'msg-1',
        latencyMs: 12,
        lastError: 'UNAVAILABLE',
        lastAttemptAt: 2_500,
      },
      { ...ref(2), outcome: 'retrying', attempts: 2, lastError: 'UNAVAILABLE', lastAttemptAt: 2_600 },
    ]);
  });

  it('keeps the first message ID when a notification was forwarded again after a crash', () => {
    const [record] = notificationLog([forwarded(1, 'msg-first', 1, 10), forwarded(1, 'msg-again', 1, 20)]);
    expect(record).toMatchObject({ messageId: 'msg-first', lastAttemptAt: 10 });
  });

  it('marks a dead-lettered notification with its last error', () => {
    const [record] = notificationLog([
      failed(1, 1, 10),
      {
        type: 'NotificationDeadLettered',
        data: { ...ref(1), attempts: 3, error: 'NotFoundException' },
        recordedAt: 30,
      },
    ]);
    expect(record).toMatchObject({ outcome: 'dead-lettered', attempts: 3, lastError: 'NotFoundException' });
  });
});

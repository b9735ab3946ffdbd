import type {
  DeliveryOutcome,
  NotificationDeadLetteredData,
  NotificationFailedData,
  NotificationForwardedData,
  NotificationRef,
} from './notification.events.js';
import { deliveryKey } from './notification.js';

/** A stored outcome with the time it was recorded. */
export type RecordedOutcome = DeliveryOutcome & { recordedAt: number };

/** One notification as the delivery log shows it: where it went and how it ended (so far). */
export interface NotificationRecord extends NotificationRef {
  outcome: 'forwarded' | 'dead-lettered' | 'retrying';
  attempts: number;
  messageId?: string;
  latencyMs?: number;
  lastError?: string;
  lastAttemptAt: number;
}

/**
 * Folds a rule's delivery outcomes into one record per delivery (a notification, and each replay or redrive of it),
 * in the order they were first attempted.
 * A later forward (a notification sent again after a crash) keeps the first message ID: that is the one the
 * consumer saw first.
 */
export function notificationLog(outcomes: RecordedOutcome[]): NotificationRecord[] {
  const records = new Map<string, NotificationRecord>();
  for (const outcome of outcomes) {
    const key = deliveryKey(outcome.data);
    records.set(key, next(records.get(key), outcome));
  }
  return [...records.values()];
}

function next(current: NotificationRecord | undefined, outcome: RecordedOutcome): NotificationRecord {
  const base: NotificationRecord = current ?? {
    ...refOf(outcome.data),
    outcome: 'retrying',
    attempts: 0,
    lastAttemptAt: outcome.recordedAt,
  };
  const at = { lastAttemptAt: outcome.recordedAt };
  switch (outcome.type) {
    case 'NotificationForwarded': {
      if (base.outcome === 'forwarded') return base;
      const { messageId, attempts, latencyMs } = outcome.data as NotificationForwardedData;
      return {
        ...base,
        ...at,
        outcome: 'forwarded',
        messageId,
        attempts: Math.max(attempts, base.attempts),
        latencyMs,
      };
    }
    case 'NotificationFailed': {
      if (base.outcome === 'forwarded') return base;
      const { attempt, error } = outcome.data as NotificationFailedData;
      return { ...base, ...at, attempts: Math.max(attempt, base.attempts), lastError: error };
    }
    case 'NotificationDeadLettered': {
      if (base.outcome === 'forwarded') return base;
      const { attempts, error } = outcome.data as NotificationDeadLetteredData;
      return { ...base, ...at, outcome: 'dead-lettered', attempts, lastError: error };
    }
  }
}

function refOf(data: NotificationRef): NotificationRef {
  const { notificationId, ruleId, ruleVersion, eventId, clientId, seq, eventType, eventTime } = data;
  return {
    notificationId,
    ruleId,
    ruleVersion,
    eventId,
    clientId,
    seq,
    eventType,
    eventTime,
    topic: data.topic,
    rocketmqInstanceId: data.rocketmqInstanceId,
    ...(data.resend && { resend: data.resend }),
  };
}

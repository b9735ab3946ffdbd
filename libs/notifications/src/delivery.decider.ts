import { afterFailure, type DeliveryPolicy, type FailureKind } from './delivery-policy.js';
import type { Notification } from './notification.js';
import { notificationRef, type DeliveryOutcome } from './notification.events.js';

/** How soon a notification held back because its partition's lease is in doubt is looked at again. */
export const LEASE_RECHECK_MS = 200;

/** What one attempt to send a notification came to. */
export type AttemptResult =
  | { messageId: string }
  | { failure: FailureKind; error: string }
  /** Not sent: the lease of the client's partition was not renewed in time, another dispatcher may take it. */
  | { leaseLost: true };

export interface DeliveryAttempt {
  notification: Notification;
  /** Attempts made so far, this one included (a lease-lost round is not an attempt). */
  attempt: number;
  result: AttemptResult;
  /** When the result came back, epoch milliseconds. */
  now: number;
}

/**
 * `done`: the client's lane moves on, and the checkpoint may pass the notification once the outcomes are stored.
 * `retry`: the same notification goes again after `retryInMs`, nothing of its client before it.
 */
export type DeliveryDecision =
  | { outcomes: DeliveryOutcome[]; next: 'done' }
  | { outcomes: DeliveryOutcome[]; next: 'retry'; retryInMs: number };

/**
 * The outcome of an attempt as events, and what dispatch does next: forwarded (with RocketMQ's message ID and the
 * event → acknowledged latency), failed and retried with backoff (transient failures forever, permanent ones up to
 * the policy's attempts), or dead-lettered after the last permanent failure.
 */
export function decideDelivery(
  { notification, attempt, result, now }: DeliveryAttempt,
  policy: DeliveryPolicy,
): DeliveryDecision {
  if ('leaseLost' in result) return { outcomes: [], next: 'retry', retryInMs: LEASE_RECHECK_MS };
  const ref = notificationRef(notification);
  if ('messageId' in result) {
    const latencyMs = now - notification.event.time;
    const data = { ...ref, messageId: result.messageId, attempts: attempt, latencyMs };
    return { outcomes: [{ type: 'NotificationForwarded', data }], next: 'done' };
  }
  const { failure, error } = result;
  const next = afterFailure(policy, attempt, failure);
  if ('retryInMs' in next) {
    const data = { ...ref, attempt, failure, error, retryInMs: next.retryInMs };
    return { outcomes: [{ type: 'NotificationFailed', data }], next: 'retry', retryInMs: next.retryInMs };
  }
  return {
    outcomes: [
      { type: 'NotificationFailed', data: { ...ref, attempt, failure, error } },
      { type: 'NotificationDeadLettered', data: { ...ref, attempts: attempt, error } },
    ],
    next: 'done',
  };
}

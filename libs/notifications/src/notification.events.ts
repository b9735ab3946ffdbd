import type { FailureKind } from './delivery-policy.js';
import type { Notification, Resend } from './notification.js';

/** Delivery outcomes, recorded per notification in the rule's delivery stream. */

/** What every outcome carries: which notification, of which event and client, to where. */
export interface NotificationRef {
  [key: string]: unknown;
  notificationId: string;
  ruleId: string;
  /** Control plane version of the rule that decided it. */
  ruleVersion: number;
  eventId: string;
  clientId: string;
  seq: number;
  /** `connect` | `disconnect` | `tcpclean`, and when it happened on the broker. */
  eventType: string;
  eventTime: number;
  topic: string;
  rocketmqInstanceId: string;
  /** A replay's or a redrive's delivery, not the first one. */
  resend?: Resend;
}

export interface NotificationForwardedData extends NotificationRef {
  /** The RocketMQ message ID from the send receipt. */
  messageId: string;
  /** Attempts it took, this one included. */
  attempts: number;
  /** Milliseconds from the presence event's time to RocketMQ's acknowledgement. */
  latencyMs: number;
}

export interface NotificationFailedData extends NotificationRef {
  attempt: number;
  failure: FailureKind;
  error: string;
  /** When another attempt follows; absent when this failure dead-letters the notification. */
  retryInMs?: number;
}

export interface NotificationDeadLetteredData extends NotificationRef {
  attempts: number;
  /** The last attempt's error. */
  error: string;
}

export type NotificationForwarded = { type: 'NotificationForwarded'; data: NotificationForwardedData };
export type NotificationFailed = { type: 'NotificationFailed'; data: NotificationFailedData };
export type NotificationDeadLettered = {
  type: 'NotificationDeadLettered';
  data: NotificationDeadLetteredData;
};
export type DeliveryOutcome = NotificationForwarded | NotificationFailed | NotificationDeadLettered;

/** Outcomes that end a notification: it is no longer pending. */
export const SETTLING_OUTCOMES = ['NotificationForwarded', 'NotificationDeadLettered'] as const;

export const DELIVERY_STREAM_PREFIX = 'delivery-';

export function deliveryStream(ruleId: string): string {
  return DELIVERY_STREAM_PREFIX + ruleId;
}

export function notificationRef(notification: Notification): NotificationRef {
  return {
    notificationId: notification.notificationId,
    ruleId: notification.ruleId,
    ruleVersion: notification.ruleVersion,
    eventId: notification.eventId,
    clientId: notification.event.clientId,
    seq: notification.seq,
    eventType: notification.eventType,
    eventTime: notification.event.time,
    topic: notification.target.topic,
    rocketmqInstanceId: notification.target.instanceId,
    ...(notification.resend && { resend: notification.resend }),
  };
}

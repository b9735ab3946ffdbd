/** Delivery outcomes, recorded per notification in the rule's delivery stream. */

export interface NotificationForwardedData {
  [key: string]: unknown;
  notificationId: string;
  ruleId: string;
  ruleVersion: number;
  eventId: string;
  clientId: string;
  seq: number;
  topic: string;
  rocketmqInstanceId: string;
  /** The RocketMQ message ID from the send receipt. */
  messageId: string;
  attempts: number;
  /** Milliseconds from the presence event's time to RocketMQ's acknowledgement. */
  latencyMs: number;
}

export type NotificationForwarded = { type: 'NotificationForwarded'; data: NotificationForwardedData };

export const DELIVERY_STREAM_PREFIX = 'delivery-';

export function deliveryStream(ruleId: string): string {
  return DELIVERY_STREAM_PREFIX + ruleId;
}

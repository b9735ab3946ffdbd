import type { PresenceEventData, StatusEventType } from '#libs/presence';

/** One presence event to be forwarded by one rule: what dispatch sends and records the outcome of. */
export interface Notification {
  /** `<ruleId>:<eventId>`: the same on every retry and replay, so consumers can drop duplicates. */
  notificationId: string;
  ruleId: string;
  /** Control plane version of the rule that decided it. */
  ruleVersion: number;
  target: { instanceId: string; topic: string };
  eventId: string;
  /** The client's sequence number: the version of the event in the client's stream. */
  seq: number;
  eventType: StatusEventType;
  event: PresenceEventData;
  /** Set when an operator asked for it again: a replay of a time range, or the redrive of a dead letter. */
  resend?: Resend;
}

export interface Resend {
  kind: 'replay' | 'redrive';
  /** The replay's or the redrive's ID. */
  id: string;
}

/**
 * One delivery of a notification: the notification ID for its first delivery, and per replay or redrive another,
 * so each has its own attempts and outcomes while consumers still see the same notification ID.
 */
export function deliveryKey(notification: { notificationId: string; resend?: Resend }): string {
  const { notificationId, resend } = notification;
  return resend ? `${notificationId}/${resend.kind}/${resend.id}` : notificationId;
}

export function notificationId(ruleId: string, eventId: string): string {
  return `${ruleId}:${eventId}`;
}

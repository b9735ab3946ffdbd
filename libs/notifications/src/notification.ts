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
}

export function notificationId(ruleId: string, eventId: string): string {
  return `${ruleId}:${eventId}`;
}

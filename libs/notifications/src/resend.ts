import type { PresenceEventData, StatusEventType } from '#libs/presence';
import type { NotificationRef } from './notification.events.js';
import type { Notification } from './notification.js';

type Resent = Notification & { resend: NonNullable<Notification['resend']> };

/** What a replay re-sends: a rule's notifications whose events happened from `from` to `to` (inclusive). */
export interface ReplaySelection {
  ruleId: string;
  from: number;
  to: number;
  clientId?: string;
  eventType?: StatusEventType;
}

export function isSelectedForReplay(notification: Notification, selection: ReplaySelection): boolean {
  const { event } = notification;
  return (
    notification.ruleId === selection.ruleId &&
    event.time >= selection.from &&
    event.time <= selection.to &&
    (selection.clientId === undefined || event.clientId === selection.clientId) &&
    (selection.eventType === undefined || notification.eventType === selection.eventType)
  );
}

/** The notification again, to `topic` (the rule's, or another of the same RocketMQ instance), marked as replayed. */
export function replayOf(notification: Notification, replayId: string, topic: string): Resent {
  return {
    ...notification,
    target: { ...notification.target, topic },
    resend: { kind: 'replay', id: replayId },
  };
}

/**
 * A dead-lettered notification rebuilt for its redrive from what its outcome recorded and its presence event: the
 * same notification ID, rule version and destination as the first time.
 */
export function redriveOf(deadLetter: NotificationRef, event: PresenceEventData, redriveId: string): Resent {
  return {
    notificationId: deadLetter.notificationId,
    ruleId: deadLetter.ruleId,
    ruleVersion: deadLetter.ruleVersion,
    target: { instanceId: deadLetter.rocketmqInstanceId, topic: deadLetter.topic },
    eventId: deadLetter.eventId,
    seq: deadLetter.seq,
    eventType: deadLetter.eventType as StatusEventType,
    event,
    resend: { kind: 'redrive', id: redriveId },
  };
}

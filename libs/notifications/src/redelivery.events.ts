import type { StatusEventType } from '#libs/presence';
import type { Notification } from './notification.js';

/**
 * An operator's request to send notifications again, recorded before anything is sent: the request and each
 * notification it selected, in one append, in a stream of its own. Dispatch reads these streams as it reads the
 * presence events, so a resend takes its place in the client's lane and is retried like any notification.
 */
export const REDELIVERY_STREAM_PREFIX = 'redelivery-';

export const replayStream = (replayId: string) => `${REDELIVERY_STREAM_PREFIX}replay-${replayId}`;
/** One stream per dead letter: a second redrive of the same dead letter conflicts instead of sending twice. */
export const redriveStream = (deadLetterId: string) => `${REDELIVERY_STREAM_PREFIX}redrive-${deadLetterId}`;

export interface ReplayRequestedData {
  [key: string]: unknown;
  replayId: string;
  ruleId: string;
  /** The range of the presence events' times, in milliseconds. */
  from: number;
  to: number;
  clientId?: string;
  eventType?: StatusEventType;
  /** Where the replay goes: the rule's topic or another topic of the rule's RocketMQ instance. */
  topic: string;
  rocketmqInstanceId: string;
  notifications: number;
}

export interface RedriveRequestedData {
  [key: string]: unknown;
  redriveId: string;
  deadLetterId: string;
  ruleId: string;
  notificationId: string;
}

export interface NotificationResendRequestedData {
  [key: string]: unknown;
  notification: Notification & { resend: NonNullable<Notification['resend']> };
}

export type RedeliveryEvent =
  | { type: 'ReplayRequested'; data: ReplayRequestedData }
  | { type: 'RedriveRequested'; data: RedriveRequestedData }
  | { type: 'NotificationResendRequested'; data: NotificationResendRequestedData };

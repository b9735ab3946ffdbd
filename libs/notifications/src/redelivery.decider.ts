import type { PresenceEventData } from '#libs/presence';
import { existingRule, type ControlPlaneState } from '#libs/rules';
import type { NotificationRef } from './notification.events.js';
import type { Notification } from './notification.js';
import type { RedeliveryEvent, RedriveRequestedData, ReplayRequestedData } from './redelivery.events.js';
import { RedeliveryError } from './redelivery.errors.js';
import { redriveOf, replayOf, type ReplaySelection } from './resend.js';

/** More than this in one replay is refused: one append holds the whole replay. */
export const MAX_REPLAY_NOTIFICATIONS = 50_000;

/** Commands carry the IDs the app chose for the request; nothing here reads a clock or draws an ID. */
export type RequestReplay = {
  type: 'RequestReplay';
  /** `topic`: send them all there instead of where each went (another topic of the rule's RocketMQ instance). */
  data: ReplaySelection & { replayId: string; topic?: string };
};
export type RequestRedrive = { type: 'RequestRedrive'; data: { redriveId: string; deadLetterId: string } };

type Recorded<Type extends RedeliveryEvent['type']> = Extract<RedeliveryEvent, { type: Type }>;
type Resends = Recorded<'NotificationResendRequested'>[];

export interface ReplayState {
  controlPlane: ControlPlaneState;
  /** The notifications the rule gave for the range, read up to one more than a replay may hold. */
  selected: Notification[];
  /** When retention removed presence events: the time of the oldest one still stored (SPEC §9). */
  retainedSince?: number;
}

export type DeadLetter = NotificationRef & { redrive?: { redriveId: string } };

export interface RedriveState {
  /** As the read model has it; absent when there is no dead letter of that ID. */
  deadLetter?: DeadLetter;
  /** The dead letter's presence event, the one at its `seq` in the client's stream, while it is stored. */
  presenceEvent?: { version: number; data: PresenceEventData };
  /** The redrive already recorded in the dead letter's redrive stream, which the read model may not show yet. */
  recordedRedriveId?: string;
}

/** The request, then one resend per notification: dispatch reads them in this order. */
export function decideReplay(
  command: RequestReplay,
  state: ReplayState,
): [Recorded<'ReplayRequested'>, ...Resends] {
  const { replayId, topic, ...selection } = command.data;
  const rule = existingRule(state.controlPlane, selection.ruleId);
  const { selected, retainedSince } = state;
  // Refused whole rather than replaying the part still stored: a replay that looks done must be complete.
  if (retainedSince !== undefined && selection.from < retainedSince)
    throw RedeliveryError.pastRetention(selection.from, retainedSince);
  if (selected.length > MAX_REPLAY_NOTIFICATIONS)
    throw new RedeliveryError(
      'REPLAY_TOO_LARGE',
      `more than ${MAX_REPLAY_NOTIFICATIONS} notifications in this range: replay a shorter range, or one client or event type`,
    );
  const requested: ReplayRequestedData = {
    replayId,
    ruleId: selection.ruleId,
    from: selection.from,
    to: selection.to,
    ...(selection.clientId && { clientId: selection.clientId }),
    ...(selection.eventType && { eventType: selection.eventType }),
    topic: topic ?? rule.target.topic,
    rocketmqInstanceId: rule.target.instanceId,
    notifications: selected.length,
  };
  return [
    { type: 'ReplayRequested', data: requested },
    // A replay to the rule's topic goes where each notification went; `topic` sends them all there.
    ...selected.map((notification) => ({
      type: 'NotificationResendRequested' as const,
      data: { notification: replayOf(notification, replayId, topic ?? notification.target.topic) },
    })),
  ];
}

/** A dead letter is redriven once, and only while its presence event is stored (it is sent again from it). */
export function decideRedrive(
  command: RequestRedrive,
  state: RedriveState,
): [Recorded<'RedriveRequested'>, ...Resends] {
  const { redriveId, deadLetterId } = command.data;
  const { deadLetter, presenceEvent } = state;
  if (!deadLetter)
    throw new RedeliveryError('DEAD_LETTER_NOT_FOUND', `dead letter ${deadLetterId} does not exist`);
  const earlier = deadLetter.redrive?.redriveId ?? state.recordedRedriveId;
  if (earlier !== undefined) throw RedeliveryError.alreadyRedriven(deadLetterId, earlier);
  if (!presenceEvent || presenceEvent.version !== deadLetter.seq)
    throw new RedeliveryError(
      'PRESENCE_EVENT_NOT_STORED',
      `the presence event of dead letter ${deadLetterId} is no longer stored`,
    );
  const requested: RedriveRequestedData = {
    redriveId,
    deadLetterId,
    ruleId: deadLetter.ruleId,
    notificationId: deadLetter.notificationId,
  };
  return [
    { type: 'RedriveRequested', data: requested },
    {
      type: 'NotificationResendRequested',
      data: { notification: redriveOf(deadLetter, presenceEvent.data, redriveId) },
    },
  ];
}

/** The redrive a dead letter's redrive stream holds, if any. */
export function recordedRedriveIn(events: { type: string; data: unknown }[]): string | undefined {
  const request = events.find((event) => event.type === 'RedriveRequested');
  return (request?.data as RedriveRequestedData | undefined)?.redriveId;
}

import {
  evolveControlPlane,
  initialControlPlaneState,
  RulesError,
  type ControlPlaneState,
} from '#libs/rules';
import {
  decideRedrive,
  decideReplay,
  notificationRef,
  RedeliveryError,
  type DeadLetter,
  type Notification,
  type RedeliveryEvent,
  type RedriveState,
  type RequestReplay,
} from '../index.js';

/** Given/when/then over the redelivery deciders: plain data in, events or a refusal out. */

/** The control plane with these rules, each sending to `device-status` on RocketMQ instance `rmq-1`. */
export function rulesExist(...ruleIds: string[]): ControlPlaneState {
  return ruleIds.reduce(
    (state, ruleId, i) =>
      evolveControlPlane(
        state,
        {
          type: 'RuleCreated',
          data: {
            ruleId,
            status: 'ENABLED',
            ruleType: 'CLIENT_STATUS_NOTIFY',
            source: { groupId: `GID_${ruleId}` },
            target: { serviceType: 'ROCKETMQ', instanceId: 'rmq-1', topic: 'device-status' },
          },
        },
        { streamVersion: i + 1, occurredAt: 1000 + i },
      ),
    initialControlPlaneState(),
  );
}

/** The `seq`-th notification of client `GID_fleet@@@van-1` by rule-1, its event `seq` seconds after the epoch. */
export const notification = (seq: number, overrides: Partial<Notification> = {}): Notification => ({
  notificationId: `rule-1:event-${seq}`,
  ruleId: 'rule-1',
  ruleVersion: 3,
  target: { instanceId: 'rmq-1', topic: 'device-status' },
  eventId: `event-${seq}`,
  seq,
  eventType: 'connect',
  event: {
    clientId: 'GID_fleet@@@van-1',
    channelId: 'c'.repeat(32),
    clientIp: '10.0.0.1:5000',
    time: 1_000 * seq,
    reason: 'accepted',
  },
  ...overrides,
});

export const replay = (data: Partial<RequestReplay['data']> = {}): RequestReplay => ({
  type: 'RequestReplay',
  data: { replayId: 'replay-1', ruleId: 'rule-1', from: 0, to: 10_000, ...data },
});

export const redrive = {
  type: 'RequestRedrive',
  data: { redriveId: 'redrive-1', deadLetterId: 'rule-1:x' },
} as const;

/** The dead letter of `notification(seq)`, with the presence event still stored at its seq. */
export function deadLettered(seq: number, deadLetter: Partial<DeadLetter> = {}): RedriveState {
  const original = notification(seq);
  return {
    deadLetter: { ...notificationRef(original), ...deadLetter },
    presenceEvent: { version: seq, data: original.event },
  };
}

export const whenReplay = (state: ControlPlaneState, selected: Notification[], command = replay()) =>
  decideReplay(command, { controlPlane: state, selected });

export const whenRedrive = (state: RedriveState): RedeliveryEvent[] => decideRedrive(redrive, state);

export function refusal(decide: () => unknown): RedeliveryError | RulesError {
  try {
    decide();
  } catch (error) {
    if (error instanceof RedeliveryError || error instanceof RulesError) return error;
    throw error;
  }
  throw new Error('the command was accepted');
}

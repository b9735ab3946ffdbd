import type { EventLog, Retention } from '#libs/event-store';
import {
  decideReplay,
  MAX_REPLAY_NOTIFICATIONS,
  replayStream,
  type ReplayRequestedData,
  type RequestReplay,
} from '#libs/notifications';
import type { ControlPlaneState } from '#libs/rules';
import type { RequestContext } from '../control-plane/change-control-plane.command.js';
import { recordResendRequest } from '../redelivery/record-resend-request.js';
import { retainedSince } from '../retention/retained-since.js';
import { selectForReplay } from './replay-scan.js';

/**
 * A replay: the notifications the rule gave for the range, as dispatch decided them, then the decision, then the
 * request and every notification it selected recorded in one append to the replay's new stream, before dispatch
 * sends anything.
 */
export async function requestReplay(
  log: EventLog & Retention,
  mqttInstanceId: string,
  controlPlane: ControlPlaneState,
  command: RequestReplay,
  context: RequestContext,
): Promise<ReplayRequestedData> {
  const { ruleId, replayId } = command.data;
  // Without the rule there is nothing to scan for: the decider refuses the replay.
  const selected = Object.hasOwn(controlPlane.rules, ruleId)
    ? await selectForReplay(log, mqttInstanceId, command.data, MAX_REPLAY_NOTIFICATIONS + 1)
    : [];
  const since = await retainedSince(log, Date.now());
  const events = decideReplay(command, {
    controlPlane,
    selected,
    ...(since !== undefined && { retainedSince: since }),
  });
  await recordResendRequest(log, replayStream(replayId), 'no_stream', events, replayId, context);
  return events[0].data;
}

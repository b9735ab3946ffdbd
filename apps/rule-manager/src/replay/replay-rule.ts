import { newEventId, type EventLog, type Retention } from '#libs/event-store';
import type { StatusEventType } from '#libs/presence';
import * as z from 'zod';
import { TOPIC_PATTERN, type ControlPlaneState } from '#libs/rules';
import type { RequestContext } from '../control-plane/change-control-plane.command.js';
import { clientId, matchingParam, oneOfParam, parseParams, requiredTime } from '../http/query-params.js';
import { iso } from '../http/representations.js';
import { requestReplay } from './request-replay.js';

const EVENT_TYPES: StatusEventType[] = ['connect', 'disconnect', 'tcpclean'];

const TOPIC = 'must be 3 to 64 letters, digits, - or _, not starting with CID or GID';
export const REPLAY_BODY = z
  .object({
    from: requiredTime,
    to: requiredTime,
    eventType: oneOfParam(EVENT_TYPES, `must be one of ${EVENT_TYPES.join(', ')}`).optional(),
    topic: matchingParam(TOPIC_PATTERN, 'pattern', TOPIC).optional(),
    clientId: clientId.optional(),
  })
  .superRefine(
    ({ from, to }, context) => {
      if (typeof from === 'number' && typeof to === 'number' && from > to)
        context.addIssue({
          code: 'custom',
          path: ['to'],
          message: 'must not be before from',
          params: { rule: 'after-from' },
        });
    },
    { when: ({ value }) => typeof value === 'object' && value !== null },
  );

/** A replay as a caller asks it (REST body, gRPC request): checked, recorded, and what was recorded. */
export async function replayRule(
  log: EventLog & Retention,
  mqttInstanceId: string,
  controlPlane: ControlPlaneState,
  ruleId: string,
  body: unknown,
  context: RequestContext,
) {
  const data = { replayId: newEventId(), ruleId, ...parseParams(REPLAY_BODY, body ?? {}) };
  const requested = await requestReplay(
    log,
    mqttInstanceId,
    controlPlane,
    { type: 'RequestReplay', data },
    context,
  );
  return {
    replayId: requested.replayId,
    ruleId,
    notifications: requested.notifications,
    from: iso(requested.from),
    to: iso(requested.to),
    topic: requested.topic,
  };
}

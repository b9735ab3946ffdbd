import { Body, Controller, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBody, ApiResponse } from '@nestjs/swagger';
import { newEventId, type EventLog, type Retention } from '#libs/event-store';
import { APP_CONFIG, EVENT_STORE, type AppConfig } from '#libs/platform';
import type { StatusEventType } from '#libs/presence';
import * as z from 'zod';
import { TOPIC_PATTERN } from '#libs/rules';
import type { AuthenticatedRequest } from '../access/api-token.guard.js';
import { ApiCall, ApiResource } from '../http/api-docs.js';
import { bodySchema } from '../http/api-schemas.js';
import { clientId, matchingParam, oneOfParam, parseParams, requiredTime } from '../http/query-params.js';
import { iso } from '../http/representations.js';
import { requestContext } from '../http/request-context.js';
import { ReadControlPlane } from '../read-model/read-control-plane.query.js';
import { requestReplay } from './request-replay.js';

const EVENT_TYPES: StatusEventType[] = ['connect', 'disconnect', 'tcpclean'];

const TOPIC = 'must be 3 to 64 letters, digits, - or _, not starting with CID or GID';
const REPLAY_BODY = z
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

/**
 * Sends a rule's notifications of a time range again, marked with the `replay` property and the same notification
 * IDs. The request and every notification it selected are recorded in one append before dispatch sends anything.
 */
@ApiResource('rules')
@Controller('api/v1/rules')
export class ReplayHttpController {
  constructor(
    @Inject(EVENT_STORE) private readonly log: EventLog & Retention,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly queryBus: QueryBus,
  ) {}

  @Post(':ruleId/replay')
  @HttpCode(202)
  @ApiCall(
    'Send again the rule’s notifications whose events happened from `from` to `to`',
    400,
    403,
    404,
    422,
  )
  @ApiBody({
    schema: bodySchema(REPLAY_BODY, {
      from: '2026-11-25T10:00:00Z',
      to: '2026-11-25T11:00:00Z',
      clientId: 'GID_fleet@@@van-1',
      eventType: 'tcpclean',
      topic: 'device-status-replay',
    }),
  })
  @ApiResponse({
    status: 202,
    schema: {
      type: 'object',
      example: { replayId: '0190c6a2-…', ruleId: 'device-status', notifications: 42 },
    },
  })
  async replay(@Param('ruleId') ruleId: string, @Body() body: unknown, @Req() request: AuthenticatedRequest) {
    const data = { replayId: newEventId(), ruleId, ...parseParams(REPLAY_BODY, body ?? {}) };
    const requested = await requestReplay(
      this.log,
      this.config.instanceId,
      await this.queryBus.execute(new ReadControlPlane()),
      { type: 'RequestReplay', data },
      requestContext(request),
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
}

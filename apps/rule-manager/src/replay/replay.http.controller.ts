import { Body, Controller, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBody, ApiResponse } from '@nestjs/swagger';
import type { EventLog, Retention } from '#libs/event-store';
import { APP_CONFIG, EVENT_STORE, type AppConfig } from '#libs/platform';
import type { AuthenticatedRequest } from '../access/api-token.guard.js';
import { ApiCall, ApiResource } from '../http/api-docs.js';
import { bodySchema } from '../http/api-schemas.js';
import { requestContext } from '../http/request-context.js';
import { ReadControlPlane } from '../read-model/read-control-plane.query.js';
import { REPLAY_BODY, replayRule } from './replay-rule.js';

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
    const controlPlane = await this.queryBus.execute(new ReadControlPlane());
    const context = requestContext(request);
    return replayRule(this.log, this.config.instanceId, controlPlane, ruleId, body, context);
  }
}

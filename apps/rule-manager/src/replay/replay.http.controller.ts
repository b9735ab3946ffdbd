import { Body, Controller, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiBody, ApiResponse } from '@nestjs/swagger';
import { newEventId, type EventLog } from '#libs/event-store';
import { APP_CONFIG, EVENT_STORE, type AppConfig } from '#libs/platform';
import type { StatusEventType } from '#libs/presence';
import { RulesError, TOPIC_PATTERN } from '#libs/rules';
import type { AuthenticatedRequest } from '../access/api-token.guard.js';
import { ApiCall, ApiResource } from '../http/api-docs.js';
import { checkedClientId, timeParam } from '../http/query-params.js';
import { iso } from '../http/representations.js';
import { requestContext } from '../http/request-context.js';
import { ReadControlPlane } from '../read-model/read-control-plane.query.js';
import { requestReplay } from './request-replay.js';

const EVENT_TYPES: StatusEventType[] = ['connect', 'disconnect', 'tcpclean'];

interface ReplayBody {
  from?: unknown;
  to?: unknown;
  clientId?: unknown;
  eventType?: unknown;
  topic?: unknown;
}

const invalid = (field: string, rule: string, message: string) =>
  RulesError.of('VALIDATION_FAILED', field, rule, message);

/**
 * Sends a rule's notifications of a time range again, marked with the `replay` property and the same notification
 * IDs. The request and every notification it selected are recorded in one append before dispatch sends anything.
 */
@ApiResource('rules')
@Controller('api/v1/rules')
export class ReplayHttpController {
  constructor(
    @Inject(EVENT_STORE) private readonly log: EventLog,
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
    schema: {
      type: 'object',
      required: ['from', 'to'],
      example: {
        from: '2026-11-25T10:00:00Z',
        to: '2026-11-25T11:00:00Z',
        clientId: 'GID_fleet@@@van-1',
        eventType: 'tcpclean',
        topic: 'device-status-replay',
      },
    },
  })
  @ApiResponse({
    status: 202,
    schema: {
      type: 'object',
      example: { replayId: '0190c6a2-…', ruleId: 'device-status', notifications: 42 },
    },
  })
  async replay(
    @Param('ruleId') ruleId: string,
    @Body() body: ReplayBody,
    @Req() request: AuthenticatedRequest,
  ) {
    const data = { replayId: newEventId(), ruleId, ...checkedBody(body ?? {}) };
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

function checkedBody(body: ReplayBody) {
  const time = (value: unknown, field: string) => {
    if (typeof value !== 'string' && typeof value !== 'number')
      throw invalid(field, 'required', `${field} is required: epoch milliseconds or an ISO 8601 time`);
    return timeParam(String(value), field, 0);
  };
  const [from, to] = [time(body.from, 'from'), time(body.to, 'to')];
  if (from > to) throw invalid('to', 'after-from', 'to must not be before from');
  const { clientId, eventType, topic } = body;
  if (eventType !== undefined && !EVENT_TYPES.includes(eventType as StatusEventType))
    throw invalid('eventType', 'enum', `eventType must be one of ${EVENT_TYPES.join(', ')}`);
  if (topic !== undefined && !(typeof topic === 'string' && TOPIC_PATTERN.test(topic)))
    throw invalid(
      'topic',
      'pattern',
      'topic must be 3 to 64 letters, digits, - or _, not starting with CID or GID',
    );
  return {
    from,
    to,
    ...(clientId !== undefined && { clientId: checkedClientId(clientId, 'clientId') }),
    ...(eventType !== undefined && { eventType: eventType as StatusEventType }),
    ...(topic !== undefined && { topic: topic as string }),
  };
}

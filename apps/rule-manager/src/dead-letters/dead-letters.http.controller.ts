import { Controller, Get, HttpCode, Inject, Param, Post, Query, Req } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { newEventId, type Documents, type EventLog } from '#libs/event-store';
import { EVENT_STORE } from '#libs/platform';
import * as z from 'zod';
import { RULE_ID_PATTERN } from '#libs/rules';
import type { AuthenticatedRequest } from '../access/api-token.guard.js';
import type { DeadLetterDocument } from '../delivery-stats/delivery-stats.projection.js';
import { deadLettersOf } from '../delivery-stats/delivery-stats.queries.js';
import { ApiQueries, count, matchingParam, parseParams } from '../http/query-params.js';
import { ApiCall, ApiResource } from '../http/api-docs.js';
import { requestContext } from '../http/request-context.js';
import { redriveDeadLetter } from './redrive-dead-letter.js';

const MAX_LIMIT = 1_000;
const DEAD_LETTERS_QUERY = z.object({
  ruleId: matchingParam(
    RULE_ID_PATTERN,
    'pattern',
    (ruleId) => `${String(ruleId)} is not a rule ID`,
  ).optional(),
  limit: count(100, MAX_LIMIT),
});

function representation(deadLetter: DeadLetterDocument) {
  const { redrive, eventTime, deadLetteredAt, ...rest } = deadLetter;
  return {
    ...rest,
    eventTime: new Date(eventTime).toISOString(),
    deadLetteredAt: new Date(deadLetteredAt).toISOString(),
    ...(redrive && { redrive: { ...redrive, requestedAt: new Date(redrive.requestedAt).toISOString() } }),
  };
}

/** Notifications dispatch gave up on (a permanent failure), and sending one again once its cause is fixed. */
@ApiResource('dead-letters')
@Controller('api/v1/dead-letters')
export class DeadLettersHttpController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventLog & Documents) {}

  @Get()
  @ApiCall('Dead letters, a rule’s only with ruleId; each with the last error and its redrive, if any', 400)
  @ApiQueries(DEAD_LETTERS_QUERY)
  async list(@Query() query: unknown) {
    const { ruleId, limit: size } = parseParams(DEAD_LETTERS_QUERY, query);
    const deadLetters = await deadLettersOf(this.store, ruleId);
    // The newest `limit`, oldest first.
    return { items: deadLetters.slice(-size).map(representation), total: deadLetters.length };
  }

  @Post(':deadLetterId/redrive')
  @HttpCode(202)
  @ApiCall('Send a dead letter again, with the same notification ID; once per dead letter', 403, 404, 409)
  @ApiResponse({
    status: 202,
    schema: {
      type: 'object',
      example: { redriveId: '0190c6a2-…', deadLetterId: 'device-status:0190c6a2-…' },
    },
  })
  async redrive(@Param('deadLetterId') deadLetterId: string, @Req() request: AuthenticatedRequest) {
    const { redriveId, notificationId } = await redriveDeadLetter(
      this.store,
      { type: 'RequestRedrive', data: { redriveId: newEventId(), deadLetterId } },
      requestContext(request),
    );
    return { redriveId, deadLetterId, notificationId };
  }
}

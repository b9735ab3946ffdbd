import { Controller, Get, HttpCode, Inject, Param, Post, Query, Req } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { newEventId, type Documents, type EventLog } from '#libs/event-store';
import { EVENT_STORE } from '#libs/platform';
import type { AuthenticatedRequest } from '../access/api-token.guard.js';
import { ApiQueries } from '../http/query-params.js';
import { ApiCall, ApiResource } from '../http/api-docs.js';
import { requestContext } from '../http/request-context.js';
import { DEAD_LETTERS_QUERY, listDeadLetters } from './list-dead-letters.js';
import { redriveDeadLetter } from './redrive-dead-letter.js';

/** Notifications dispatch gave up on (a permanent failure), and sending one again once its cause is fixed. */
@ApiResource('dead-letters')
@Controller('api/v1/dead-letters')
export class DeadLettersHttpController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventLog & Documents) {}

  @Get()
  @ApiCall('Dead letters, a rule’s only with ruleId; each with the last error and its redrive, if any', 400)
  @ApiQueries(DEAD_LETTERS_QUERY)
  async list(@Query() query: unknown) {
    return listDeadLetters(this.store, query);
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

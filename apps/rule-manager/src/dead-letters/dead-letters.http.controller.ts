import {
  ConflictException,
  Controller,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
  Query,
  Req,
} from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { newEventId, WrongExpectedVersionError, type EventStore } from '#libs/event-store';
import { redriveOf, redriveStream, type RedriveRequestedData } from '#libs/notifications';
import { EVENT_STORE } from '#libs/platform';
import { clientStream, type PresenceEventData } from '#libs/presence';
import * as z from 'zod';
import { RULE_ID_PATTERN } from '#libs/rules';
import type { AuthenticatedRequest } from '../access/api-token.guard.js';
import {
  DELIVERY_STATS_COLLECTIONS,
  type DeadLetterDocument,
} from '../delivery-stats/delivery-stats.projection.js';
import { ApiQueries, count, matchingParam, parseParams } from '../http/query-params.js';
import { ApiCall, ApiResource } from '../http/api-docs.js';
import { requestContext } from '../http/request-context.js';
import { recordResendRequest } from '../redelivery/record-resend-request.js';

const DEAD_LETTERS = DELIVERY_STATS_COLLECTIONS.deadLetters;
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
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @Get()
  @ApiCall('Dead letters, a rule’s only with ruleId; each with the last error and its redrive, if any', 400)
  @ApiQueries(DEAD_LETTERS_QUERY)
  async list(@Query() query: unknown) {
    const { ruleId, limit: size } = parseParams(DEAD_LETTERS_QUERY, query);
    // Their IDs start with the rule ID: a rule's dead letters are one range of the key. The IDs are not in time
    // order, so the range is read whole (dead letters are an exception to fix, not a stream).
    const documents = await this.store.readDocuments(
      DEAD_LETTERS,
      ruleId === undefined ? {} : { idPrefix: `${ruleId}:` },
    );
    const total = documents.length;
    // The newest `limit`, oldest first.
    const items = documents
      .map(({ document }) => document as unknown as DeadLetterDocument)
      .sort((a, b) => a.deadLetteredAt - b.deadLetteredAt)
      .slice(-size)
      .map(representation);
    return { items, total };
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
    const [found] = await this.store.readDocumentsById(DEAD_LETTERS, [deadLetterId]);
    if (!found) throw new NotFoundException(`dead letter ${deadLetterId} does not exist`);
    const deadLetter = found.document as unknown as DeadLetterDocument;
    if (deadLetter.redrive)
      throw new ConflictException(
        `dead letter ${deadLetterId} was redriven already (${deadLetter.redrive.redriveId})`,
      );
    const [stored] = await this.store.readStream(clientStream(deadLetter.clientId), deadLetter.seq);
    if (!stored || stored.version !== deadLetter.seq)
      throw new NotFoundException(`the presence event of dead letter ${deadLetterId} is no longer stored`);
    const redriveId = newEventId();
    const requested: RedriveRequestedData = {
      redriveId,
      deadLetterId,
      ruleId: deadLetter.ruleId,
      notificationId: deadLetter.notificationId,
    };
    const notification = redriveOf(deadLetter, stored.data as PresenceEventData, redriveId);
    try {
      // One stream per dead letter, created once: a second redrive (two operators at once) conflicts here.
      await recordResendRequest(
        this.store,
        redriveStream(deadLetterId),
        { type: 'RedriveRequested', id: redriveId, data: requested },
        [notification],
        requestContext(request),
      );
    } catch (error) {
      if (error instanceof WrongExpectedVersionError)
        throw new ConflictException(`dead letter ${deadLetterId} was redriven already`);
      throw error;
    }
    return { redriveId, deadLetterId, notificationId: deadLetter.notificationId };
  }
}

import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import type { EventLog } from '#libs/event-store';
import { deliveryStream, notificationLog, type RecordedOutcome } from '#libs/notifications';
import { EVENT_STORE } from '#libs/platform';
import * as z from 'zod';
import { RULE_ID_PATTERN } from '#libs/rules';
import { ApiCall, ApiResource } from '../http/api-docs.js';
import { ApiQueries, count, filterParam, matchingParam, parseParams, time } from '../http/query-params.js';

const MAX_LIMIT = 1_000;
const NOTIFICATIONS_QUERY = z.object({
  ruleId: matchingParam(
    RULE_ID_PATTERN,
    'pattern',
    'ruleId is required: the rule whose notifications to list',
    true,
  ),
  from: time(0),
  to: time(Number.MAX_SAFE_INTEGER),
  limit: count(100, MAX_LIMIT),
  clientId: filterParam,
});

/** The delivery log of a rule: each notification with its event, rule version, message ID, attempts and outcome. */
@ApiResource('notifications')
@Controller('api/v1/notifications')
export class NotificationsHttpController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventLog) {}

  @Get()
  @ApiCall('A rule’s notifications (optionally one client’s) whose event happened between from and to', 400)
  @ApiResponse({
    status: 200,
    schema: {
      type: 'object',
      example: {
        ruleId: 'device-status',
        items: [
          {
            notificationId: 'device-status:0190c6a2-7d4e-7b3a-9f00-1234567890ab',
            clientId: 'GID_fleet@@@van-1',
            seq: 3,
            eventType: 'tcpclean',
            eventTime: '2026-11-25T10:00:00.000Z',
            ruleVersion: 4,
            topic: 'device-status',
            outcome: 'forwarded',
            messageId: '01C0A8000164A218E40A9C0A1B00000000',
            attempts: 1,
            latencyMs: 9,
          },
        ],
        total: 1,
      },
    },
  })
  @ApiQueries(NOTIFICATIONS_QUERY)
  async list(@Query() query: unknown) {
    const { ruleId, clientId, from: since, to: until, limit: size } = parseParams(NOTIFICATIONS_QUERY, query);
    const stored = await this.store.readStream(deliveryStream(ruleId));
    const outcomes = stored.map(
      (event) =>
        ({ type: event.type, data: event.data, recordedAt: event.metadata.occurredAt }) as RecordedOutcome,
    );
    const matching = notificationLog(outcomes).filter(
      (record) =>
        (clientId === undefined || record.clientId === clientId) &&
        record.eventTime >= since &&
        record.eventTime <= until,
    );
    // The newest `limit`, oldest first.
    const items = matching.slice(-size).map((record) => ({
      ...record,
      eventTime: new Date(record.eventTime).toISOString(),
      lastAttemptAt: new Date(record.lastAttemptAt).toISOString(),
    }));
    return { ruleId, items, total: matching.length };
  }
}

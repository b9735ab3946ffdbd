import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import type { EventLog } from '#libs/event-store';
import { deliveryStream, notificationLog, type RecordedOutcome } from '#libs/notifications';
import { EVENT_STORE } from '#libs/platform';
import { RULE_ID_PATTERN, RulesError } from '#libs/rules';
import { ApiCall, ApiResource } from '../http/api-docs.js';
import { countParam, timeParam } from '../http/query-params.js';

const MAX_LIMIT = 1_000;

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
  async list(
    @Query('ruleId') ruleId?: string,
    @Query('clientId') clientId?: string,
    @Query('from') from?: string,
    @Query('to') to?: string,
    @Query('limit') limit?: string,
  ) {
    if (ruleId === undefined || !RULE_ID_PATTERN.test(ruleId))
      throw RulesError.of(
        'VALIDATION_FAILED',
        'ruleId',
        'pattern',
        'ruleId is required: the rule whose notifications to list',
      );
    const [since, until] = [timeParam(from, 'from', 0), timeParam(to, 'to', Number.MAX_SAFE_INTEGER)];
    const size = countParam(limit, 'limit', 100, MAX_LIMIT);
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

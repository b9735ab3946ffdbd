import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import type { EventLog } from '#libs/event-store';
import { EVENT_STORE } from '#libs/platform';
import { ApiCall, ApiResource } from '../http/api-docs.js';
import { ApiQueries } from '../http/query-params.js';
import { listNotifications, NOTIFICATIONS_QUERY } from './list-notifications.js';

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
    return listNotifications(this.store, query);
  }
}

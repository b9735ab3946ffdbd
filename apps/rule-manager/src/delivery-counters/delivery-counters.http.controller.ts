import { Controller, Get, Inject, Param } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiResponse } from '@nestjs/swagger';
import type { Documents } from '#libs/event-store';
import { EVENT_STORE } from '#libs/platform';
import { ApiCall, ApiResource } from '../http/api-docs.js';
import { readDeliveryCounters } from './read-delivery-counters.js';

/** A rule's delivery counters: matched = forwarded + deadLettered + pending, and sends per minute. */
@ApiResource('rules')
@Controller('api/v1/rules')
export class DeliveryCountersHttpController {
  constructor(
    @Inject(EVENT_STORE) private readonly readModels: Documents,
    private readonly queryBus: QueryBus,
  ) {}

  @Get(':ruleId/counters')
  @ApiCall('A rule’s delivery counters (they add up) and its forwarded / failed sends per minute', 404)
  @ApiResponse({
    status: 200,
    schema: {
      type: 'object',
      example: {
        ruleId: 'device-status',
        matched: 1200,
        forwarded: 1190,
        deadLettered: 2,
        pending: 8,
        failedAttempts: 6,
        redriven: 0,
        replayed: 0,
        replayForwarded: 0,
        replayDeadLettered: 0,
        perMinute: [{ minute: '2026-11-25T10:00:00.000Z', forwarded: 42, failed: 1 }],
      },
    },
  })
  async counters(@Param('ruleId') ruleId: string) {
    return readDeliveryCounters(this.readModels, this.queryBus, ruleId);
  }
}

import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import type { EventLog, Retention } from '#libs/event-store';
import { EVENT_STORE } from '#libs/platform';
import { ApiCall, ApiResource } from '../http/api-docs.js';
import { ApiQueries } from '../http/query-params.js';
import { readClientTrace, TRACE_QUERY } from './read-client-trace.js';

const TRACE_RESPONSE = {
  type: 'object',
  properties: {
    clientId: { type: 'string' },
    items: { type: 'array', items: { type: 'object' } },
    total: { type: 'integer' },
    retainedSince: {
      type: 'string',
      format: 'date-time',
      description:
        'present when the range starts before it: older entries were removed by retention (EVENT_RETENTION)',
    },
  },
  example: {
    clientId: 'GID_fleet@@@van-1',
    items: [
      { time: '2026-11-25T10:00:00.000Z', channelId: '…', seq: 41, action: 'connect', reason: 'accepted' },
    ],
    total: 1,
    retainedSince: '2026-11-18T10:00:00.000Z',
  },
};

/** A client's trace (QueryMqttTraceDevice), refusals included. */
@ApiResource('clients')
@Controller('api/v1/clients')
export class ClientTraceHttpController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventLog & Retention) {}

  @Get(':clientId/trace')
  @ApiCall(
    'The client’s connects, disconnects and closes (refused connects too) between from and to; ' +
      '`retainedSince` when older entries were removed by retention',
    400,
  )
  @ApiQueries(TRACE_QUERY)
  @ApiResponse({ status: 200, schema: TRACE_RESPONSE })
  async trace(@Param('clientId') clientId: string, @Query() query: unknown) {
    return readClientTrace(this.store, clientId, query);
  }
}

import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import type { EventLog, RecordedEvent, Retention } from '#libs/event-store';
import { EVENT_STORE } from '#libs/platform';
import { clientStream, refusedConnectStream } from '#libs/presence';
import { ApiCall, ApiResource } from '../http/api-docs.js';
import * as z from 'zod';
import { ApiQueries, checkedClientId, parseParams, time } from '../http/query-params.js';
import { retainedSince } from '../retention/retained-since.js';

const TRACE_QUERY = z.object({ from: time(0), to: time(Number.MAX_SAFE_INTEGER) });

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

/** The original's device trace actions: connect, close (the TCP connection ended), disconnect. */
const ACTIONS: Record<string, string> = {
  ClientConnected: 'connect',
  ClientDisconnected: 'disconnect',
  ClientConnectionClosed: 'close',
  ClientConnectRefused: 'connect',
};

/**
 * A client's trace (QueryMqttTraceDevice): every connect, disconnect and close, refused connects and refused
 * PUBLISH / SUBSCRIBE included. When the range starts before what retention kept, `retainedSince` says from when
 * the trace is complete: older entries were removed (EVENT_RETENTION).
 */
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
    const id = checkedClientId(clientId, 'clientId');
    const { from: since, to: until } = parseParams(TRACE_QUERY, query);
    const [connections, refusals, kept] = await Promise.all([
      this.store.readStream(clientStream(id)),
      this.store.readStream(refusedConnectStream(id)),
      retainedSince(this.store, Date.now()),
    ]);
    const entries = [...connections, ...refusals]
      .filter((event) => {
        const at = event.data['time'] as number;
        return at >= since && at <= until;
      })
      .sort((a, b) => (a.data['time'] as number) - (b.data['time'] as number) || a.position - b.position)
      .map(entry);
    const incomplete = kept !== undefined && since < kept ? kept : undefined;
    return {
      clientId,
      items: entries,
      total: entries.length,
      ...(incomplete !== undefined && { retainedSince: new Date(incomplete).toISOString() }),
    };
  }
}

/** The protocol level and MQTT 5 reason codes, and refusals counted but not traced, where recorded. */
function mqttDetails(data: RecordedEvent['data']) {
  const pick = (name: string) => (typeof data[name] === 'number' ? { [name]: data[name] } : {});
  return {
    ...pick('protocolVersion'),
    ...pick('clientReasonCode'),
    ...pick('serverReasonCode'),
    ...pick('refusedSinceNotTraced'),
  };
}

function entry(event: RecordedEvent) {
  const refused = event.type === 'ClientConnectRefused' || event.type === 'ClientTopicRefused';
  const action = event.type === 'ClientTopicRefused' ? String(event.data['action']) : ACTIONS[event.type];
  return {
    time: new Date(event.data['time'] as number).toISOString(),
    ...(refused ? {} : { channelId: event.data['channelId'], seq: event.version }),
    action: action ?? event.type,
    actionCode: `mqtt.trace.action.${action ?? 'unknown'}`,
    reason: event.data['reason'],
    ...mqttDetails(event.data),
    ...(refused && { refused: true, detail: event.data['detail'] }),
    ...(event.data['inferred'] === true && { inferred: true }),
  };
}

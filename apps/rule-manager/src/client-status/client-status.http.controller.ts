import {
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
  Query,
  ServiceUnavailableException,
} from '@nestjs/common';
import { ApiBody, ApiResponse } from '@nestjs/swagger';
import {
  clientsOfGroup,
  clientStatusesOf,
  clientStatusOf,
  type ClientStatusDocument,
} from '#libs/client-status';
import type { Documents } from '#libs/event-store';
import { ReadsOnly } from '../access/api-token.guard.js';
import { BUS_PATTERNS, EVENT_STORE, type CloseConnectionMessage } from '#libs/platform';
import { GROUP_ID_PATTERN, openChannels } from '#libs/presence';
import * as z from 'zod';
import { Peers } from '../health/peers.js';
import { ApiCall, ApiResource } from '../http/api-docs.js';
import { bodySchema } from '../http/api-schemas.js';
import {
  ApiQueries,
  checkedClientId,
  clientId as clientIdParam,
  count,
  filterParam,
  matchingParam,
  parseParams,
} from '../http/query-params.js';

const BATCH_LIMIT = 100;
const BATCH_BODY = z.object({
  clientIds: z
    .custom<unknown[]>((ids) => Array.isArray(ids) && ids.length > 0 && ids.length <= BATCH_LIMIT, {
      error: `must be a list of 1 to ${BATCH_LIMIT} client IDs`,
      params: { rule: 'length' },
      abort: true,
    })
    .pipe(z.array(clientIdParam))
    .meta({ type: 'array', minItems: 1, maxItems: BATCH_LIMIT, items: { type: 'string' } }),
});
const GROUP_CLIENTS_PARAMS = z.object({
  groupId: matchingParam(GROUP_ID_PATTERN, 'pattern', (id) => `${String(id)} is not a Group ID`),
  online: filterParam,
  page: count(1, Number.MAX_SAFE_INTEGER),
  pageSize: count(20, 100),
});
const GROUP_CLIENTS_QUERY = GROUP_CLIENTS_PARAMS.omit({ groupId: true });

function representation(clientId: string, document?: ClientStatusDocument) {
  const channels = document
    ? openChannels(document).map((channelId) => ({ channelId, ...document.channels[channelId] }))
    : [];
  return {
    clientId,
    online: channels.length > 0,
    channels,
    ...(document?.lastEvent && {
      lastEvent: { ...document.lastEvent, time: new Date(document.lastEvent.time).toISOString() },
    }),
  };
}

/** Online status per client, computed per channel from the stored presence events (QuerySessionByClientId …). */
@ApiResource('clients')
@Controller('api/v1')
export class ClientStatusHttpController {
  constructor(
    @Inject(EVENT_STORE) private readonly readModels: Documents,
    private readonly peers: Peers,
  ) {}

  /** The original's CloseConnection: presence-ingest closes the live connection; its channel gets tcpclean. */
  @Post('clients/:clientId/close')
  @HttpCode(200)
  @ApiCall(
    'Close the client’s live connection (tcpclean, reason closed by server); it may reconnect',
    400,
    403,
    404,
  )
  async close(@Param('clientId') clientId: string) {
    const id = checkedClientId(clientId, 'clientId');
    let answer: { closed: boolean };
    try {
      answer = await this.peers.request<{ closed: boolean }>(
        'presence-ingest',
        BUS_PATTERNS.closeConnection,
        { clientId: id } satisfies CloseConnectionMessage,
      );
    } catch (error) {
      throw new ServiceUnavailableException(`presence-ingest did not answer over the bus: ${String(error)}`);
    }
    if (!answer.closed) throw new NotFoundException(`client ${id} has no live connection`);
    return { clientId: id, closed: true };
  }

  @Get('clients/:clientId/status')
  @ApiCall('Is the client online: its open channels and its last event', 400)
  async status(@Param('clientId') clientId: string) {
    const id = checkedClientId(clientId, 'clientId');
    return representation(id, await clientStatusOf(this.readModels, id));
  }

  @Post('clients/status\\:batch')
  @ReadsOnly()
  @HttpCode(200)
  @ApiCall(`Online status of up to ${BATCH_LIMIT} clients at once`, 400)
  @ApiBody({
    schema: bodySchema(BATCH_BODY, { clientIds: ['GID_fleet@@@van-1', 'GID_fleet@@@van-2'] }),
  })
  async batch(@Body() body: unknown) {
    const { clientIds: checked } = parseParams(BATCH_BODY, {
      clientIds: (body as { clientIds?: unknown } | null)?.clientIds,
    });
    const found = await clientStatusesOf(this.readModels, checked);
    return {
      items: checked.map((id) => ({ clientId: id, online: representation(id, found.get(id)).online })),
    };
  }

  @Get('groups/:groupId/clients')
  @ApiCall('The clients of a group that have connected, online ones only with online=true; paged', 400)
  @ApiResponse({
    status: 200,
    schema: {
      type: 'object',
      example: { items: [{ clientId: 'GID_fleet@@@van-1', online: true }], total: 1, page: 1, pageSize: 20 },
    },
  })
  @ApiQueries(GROUP_CLIENTS_QUERY)
  async groupClients(@Param('groupId') groupId: string, @Query() query: object) {
    const params = parseParams(GROUP_CLIENTS_PARAMS, { ...query, groupId });
    const { online, page: pageNumber, pageSize: size } = params;
    const { total, clients } = await clientsOfGroup(this.readModels, groupId, {
      onlineOnly: online === 'true',
      offset: (pageNumber - 1) * size,
      limit: size,
    });
    return {
      items: clients.map(({ clientId, status }) => representation(clientId, status)),
      total,
      page: pageNumber,
      pageSize: size,
    };
  }
}

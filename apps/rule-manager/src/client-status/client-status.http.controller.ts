import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiBody, ApiResponse } from '@nestjs/swagger';
import type { Documents } from '#libs/event-store';
import { ReadsOnly } from '../access/api-token.guard.js';
import { EVENT_STORE } from '#libs/platform';
import { Peers } from '../health/peers.js';
import { ApiCall, ApiResource } from '../http/api-docs.js';
import { bodySchema } from '../http/api-schemas.js';
import { ApiQueries } from '../http/query-params.js';
import {
  BATCH_BODY,
  BATCH_LIMIT,
  batchClientStatus,
  clientStatus,
  closeConnection,
  GROUP_CLIENTS_QUERY,
  groupClients,
} from './read-client-status.js';

/** Online status per client, computed per channel from the stored presence events (QuerySessionByClientId …). */
@ApiResource('clients')
@Controller('api/v1')
export class ClientStatusHttpController {
  constructor(
    @Inject(EVENT_STORE) private readonly readModels: Documents,
    private readonly peers: Peers,
  ) {}

  @Post('clients/:clientId/close')
  @HttpCode(200)
  @ApiCall(
    'Close the client’s live connection (tcpclean, reason closed by server); it may reconnect',
    400,
    403,
    404,
  )
  async close(@Param('clientId') clientId: string) {
    return closeConnection(this.peers, clientId);
  }

  @Get('clients/:clientId/status')
  @ApiCall('Is the client online: its open channels and its last event', 400)
  async status(@Param('clientId') clientId: string) {
    return clientStatus(this.readModels, clientId);
  }

  @Post('clients/status\\:batch')
  @ReadsOnly()
  @HttpCode(200)
  @ApiCall(`Online status of up to ${BATCH_LIMIT} clients at once`, 400)
  @ApiBody({
    schema: bodySchema(BATCH_BODY, { clientIds: ['GID_fleet@@@van-1', 'GID_fleet@@@van-2'] }),
  })
  async batch(@Body() body: unknown) {
    return batchClientStatus(this.readModels, body);
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
    return groupClients(this.readModels, { ...query, groupId });
  }
}

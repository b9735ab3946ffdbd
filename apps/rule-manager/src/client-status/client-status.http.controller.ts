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
import { CLIENT_STATUS_COLLECTIONS } from '#libs/client-status';
import type { EventStore } from '#libs/event-store';
import { BUS_PATTERNS, EVENT_STORE } from '#libs/platform';
import { CLIENT_ID_SEPARATOR, GROUP_ID_PATTERN, openChannels, type ClientStatus } from '#libs/presence';
import { RulesError } from '#libs/rules';
import { Peers } from '../health/peers.js';
import { ApiCall, ApiResource } from '../http/api-docs.js';
import { checkedClientId, countParam } from '../http/query-params.js';

/** Kept by the client status projection (SPEC §6). */
const CLIENTS = CLIENT_STATUS_COLLECTIONS.clients;
const ONLINE = CLIENT_STATUS_COLLECTIONS.onlineClients;
const BATCH_LIMIT = 100;

type StatusDocument = ClientStatus & { online: boolean; groupId: string };

function representation(clientId: string, document?: StatusDocument) {
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
    @Inject(EVENT_STORE) private readonly store: EventStore,
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
        { clientId: id },
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
    const [found] = await this.store.readDocumentsById(CLIENTS, [id]);
    return representation(id, found?.document as unknown as StatusDocument | undefined);
  }

  @Post('clients/status\\:batch')
  @HttpCode(200)
  @ApiCall(`Online status of up to ${BATCH_LIMIT} clients at once`, 400)
  @ApiBody({
    schema: {
      type: 'object',
      required: ['clientIds'],
      example: { clientIds: ['GID_fleet@@@van-1', 'GID_fleet@@@van-2'] },
    },
  })
  async batch(@Body() body: { clientIds?: unknown }) {
    const ids = body?.clientIds;
    if (!Array.isArray(ids) || ids.length === 0 || ids.length > BATCH_LIMIT) {
      throw RulesError.of(
        'VALIDATION_FAILED',
        'clientIds',
        'length',
        `clientIds must be a list of 1 to ${BATCH_LIMIT} client IDs`,
      );
    }
    const checked = ids.map((id, i) => checkedClientId(id, `clientIds[${i}]`));
    const found = new Map(
      (await this.store.readDocumentsById(CLIENTS, checked)).map((d) => [
        d.id,
        d.document as unknown as StatusDocument,
      ]),
    );
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
  async groupClients(
    @Param('groupId') groupId: string,
    @Query('online') online?: string,
    @Query('page') page?: string,
    @Query('pageSize') pageSize?: string,
  ) {
    if (!GROUP_ID_PATTERN.test(groupId))
      throw RulesError.of('VALIDATION_FAILED', 'groupId', 'pattern', `groupId ${groupId} is not a Group ID`);
    const pageNumber = countParam(page, 'page', 1, Number.MAX_SAFE_INTEGER);
    const size = countParam(pageSize, 'pageSize', 20, 100);
    // A client's ID starts with its group's: the group is one range of the collection's key (or of the online one).
    const prefix = `${groupId}${CLIENT_ID_SEPARATOR}`;
    const index = online === 'true' ? ONLINE : CLIENTS;
    const [total, slice] = await Promise.all([
      this.store.countDocuments(index, prefix),
      this.store.readDocuments(index, { idPrefix: prefix, offset: (pageNumber - 1) * size, limit: size }),
    ]);
    const ids = slice.map(({ id }) => id);
    const documents = new Map(
      (index === CLIENTS ? slice : await this.store.readDocumentsById(CLIENTS, ids)).map((d) => [
        d.id,
        d.document as unknown as StatusDocument,
      ]),
    );
    return {
      items: ids.map((id) => representation(id, documents.get(id))),
      total,
      page: pageNumber,
      pageSize: size,
    };
  }
}

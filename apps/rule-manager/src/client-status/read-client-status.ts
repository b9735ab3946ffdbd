import { NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import {
  clientsOfGroup,
  clientStatusesOf,
  clientStatusOf,
  type ClientStatusDocument,
} from '#libs/client-status';
import type { Documents } from '#libs/event-store';
import { BUS_PATTERNS, type CloseConnectionMessage } from '#libs/platform';
import { GROUP_ID_PATTERN, openChannels } from '#libs/presence';
import * as z from 'zod';
import type { Peers } from '../health/peers.js';
import {
  checkedClientId,
  clientId as clientIdParam,
  count,
  filterParam,
  matchingParam,
  parseParams,
} from '../http/query-params.js';

export const BATCH_LIMIT = 100;
export const BATCH_BODY = z.object({
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
export const GROUP_CLIENTS_QUERY = GROUP_CLIENTS_PARAMS.omit({ groupId: true });

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

/** Is the client online: its open channels and its last event (QuerySessionByClientId). */
export async function clientStatus(readModels: Documents, clientId: unknown) {
  const id = checkedClientId(clientId, 'clientId');
  return representation(id, await clientStatusOf(readModels, id));
}

/** Online or not, for up to BATCH_LIMIT clients, in the order asked. */
export async function batchClientStatus(readModels: Documents, body: unknown) {
  const { clientIds: checked } = parseParams(BATCH_BODY, {
    clientIds: (body as { clientIds?: unknown } | null)?.clientIds,
  });
  const found = await clientStatusesOf(readModels, checked);
  return {
    items: checked.map((id) => ({ clientId: id, online: representation(id, found.get(id)).online })),
  };
}

/** The clients of a group that have connected, online ones only with online=true; paged. */
export async function groupClients(readModels: Documents, query: unknown) {
  const { groupId, online, page, pageSize } = parseParams(GROUP_CLIENTS_PARAMS, query);
  const { total, clients } = await clientsOfGroup(readModels, groupId, {
    onlineOnly: online === 'true',
    offset: (page - 1) * pageSize,
    limit: pageSize,
  });
  const items = clients.map(({ clientId, status }) => representation(clientId, status));
  return { items, total, page, pageSize };
}

/** The original's CloseConnection: presence-ingest closes the live connection; its channel gets tcpclean. */
export async function closeConnection(peers: Peers, clientId: unknown) {
  const id = checkedClientId(clientId, 'clientId');
  let answer: { closed: boolean };
  try {
    answer = await peers.request<{ closed: boolean }>('presence-ingest', BUS_PATTERNS.closeConnection, {
      clientId: id,
    } satisfies CloseConnectionMessage);
  } catch (error) {
    throw new ServiceUnavailableException(`presence-ingest did not answer over the bus: ${String(error)}`);
  }
  if (!answer.closed) throw new NotFoundException(`client ${id} has no live connection`);
  return { clientId: id, closed: true };
}

import type { Documents } from '#libs/event-store';
import { CLIENT_ID_SEPARATOR, type ClientStatus } from '#libs/presence';
import {
  CLIENT_STATUS_COLLECTIONS,
  PRESENCE_TOTALS_ID,
  type OpenChannel,
} from './client-status.projection.js';
import { emptyPresenceTotals, type GroupOnline, type PresenceTotals } from './presence-counters.js';

/** What the client status projection keeps per client. */
export type ClientStatusDocument = ClientStatus & { online: boolean; groupId: string };

export interface GroupClientsPage {
  /** How many clients of the group match, all pages together. */
  total: number;
  /** The page's clients in client ID order, each with its status (absent if removed since the page was read). */
  clients: { clientId: string; status?: ClientStatusDocument }[];
}

const { clients: CLIENTS, onlineClients: ONLINE } = CLIENT_STATUS_COLLECTIONS;

export async function clientStatusOf(
  documents: Documents,
  clientId: string,
): Promise<ClientStatusDocument | undefined> {
  const [found] = await documents.readDocumentsById(CLIENTS, [clientId]);
  return found?.document as unknown as ClientStatusDocument | undefined;
}

/** The statuses of those clients that have one, by client ID. */
export async function clientStatusesOf(
  documents: Documents,
  clientIds: string[],
): Promise<Map<string, ClientStatusDocument>> {
  const found = await documents.readDocumentsById(CLIENTS, clientIds);
  return new Map(found.map(({ id, document }) => [id, document as unknown as ClientStatusDocument]));
}

/** A page of the clients of a group that have connected, or of its online clients only. */
export async function clientsOfGroup(
  documents: Documents,
  groupId: string,
  page: { onlineOnly: boolean; offset: number; limit: number },
): Promise<GroupClientsPage> {
  // A client's ID starts with its group's: the group is one range of the collection's key (or of the online one).
  const idPrefix = `${groupId}${CLIENT_ID_SEPARATOR}`;
  const index = page.onlineOnly ? ONLINE : CLIENTS;
  const [total, slice] = await Promise.all([
    documents.countDocuments(index, idPrefix),
    documents.readDocuments(index, { idPrefix, offset: page.offset, limit: page.limit }),
  ]);
  const ids = slice.map(({ id }) => id);
  const statuses = page.onlineOnly
    ? await clientStatusesOf(documents, ids)
    : new Map(slice.map(({ id, document }) => [id, document as unknown as ClientStatusDocument]));
  return { total, clients: ids.map((clientId) => ({ clientId, status: statuses.get(clientId) })) };
}

/** Every channel the presence events left open: what a restart of presence-ingest must close. */
export async function openChannelsOf(documents: Documents): Promise<OpenChannel[]> {
  const found = await documents.readDocuments(CLIENT_STATUS_COLLECTIONS.openChannels);
  return found.map(({ document }) => document as unknown as OpenChannel);
}

export interface PresenceOverview {
  totals: PresenceTotals;
  /** The groups with the most clients online, most first (ties by group ID); none with nobody online. */
  topGroups: GroupOnline[];
  /** How many groups have a client online. */
  groupsOnline: number;
}

/**
 * The projection's counters: a single document and one per group, never a count over the clients. The groups are
 * read whole: there is one document per group ever online, as many as the groups registered.
 */
export async function presenceOverviewOf(documents: Documents, topGroups: number): Promise<PresenceOverview> {
  const [[totals], groups] = await Promise.all([
    documents.readDocumentsById(CLIENT_STATUS_COLLECTIONS.totals, [PRESENCE_TOTALS_ID]),
    documents.readDocuments(CLIENT_STATUS_COLLECTIONS.groupsOnline),
  ]);
  const online = groups
    .map(({ document }) => document as GroupOnline)
    .filter((group) => group.online > 0)
    .sort((a, b) => b.online - a.online || (a.groupId < b.groupId ? -1 : 1));
  return {
    totals: (totals?.document as PresenceTotals | undefined) ?? emptyPresenceTotals(),
    topGroups: online.slice(0, topGroups),
    groupsOnline: online.length,
  };
}

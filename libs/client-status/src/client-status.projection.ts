import {
  catchUpProjection,
  ProjectionConflictError,
  type EventStore,
  type JsonObject,
  type LogBatch,
  type Projection,
  type ProjectionChanges,
  type RecordedEvent,
} from '#libs/event-store';
import {
  CLIENT_STREAM_PREFIX,
  emptyClientStatus,
  evolveClientStatus,
  isPresenceEventType,
  openChannels,
  parseClientId,
  REFUSED_STREAM_PREFIX,
  type ClientStatus,
  type PresenceEventData,
  type PresenceEventType,
  type RefusalData,
} from '#libs/presence';
import {
  emptyPresenceTotals,
  PresenceCounterDeltas,
  type GroupOnline,
  type PresenceTotals,
} from './presence-counters.js';

export const CLIENT_STATUS_PROJECTION = 'presence.client-status';
export const CLIENT_STATUS_COLLECTIONS = {
  /** One document per client: its channels, whether it is online, its last event (SPEC §6). */
  clients: 'presence.clients',
  /** One entry per online client, keyed by client ID, so a group's online clients are one range of the key. */
  onlineClients: 'presence.online-clients',
  /** One document per open channel: what a restart must close, without scanning every client. */
  openChannels: 'presence.open-channels',
  /** One document, PRESENCE_TOTALS_ID: clients online, connects, closes and refusals per minute. */
  totals: 'presence.totals',
  /** One document per group that ever had a client online: how many are online now. */
  groupsOnline: 'presence.groups-online',
} as const;

export const PRESENCE_TOTALS_ID = 'all';

export interface OpenChannel {
  clientId: string;
  channelId: string;
  clientIp: string;
  connectedAt: number;
  /** The presence-ingest node it is open on (absent when stored by a version before nodes). */
  node?: string;
}

const BATCH = 5_000;

type PresenceRecord = RecordedEvent & { type: PresenceEventType };

/**
 * The online status of every client, projected from the presence events into documents. It keeps no state of its
 * own between batches (it reads the documents it changes), and each batch commits with a compare-and-set of the
 * checkpoint, so several runners may share it: rule-manager follows it live, presence-ingest catches it up when it
 * starts (to close what its previous run left open) without slowing its broker afterwards.
 */
export class ClientStatusProjection implements Projection {
  readonly name = CLIENT_STATUS_PROJECTION;
  // Refused CONNECTs have their own streams (no sequence number): only counted here, never a status.
  readonly filter = { streamPrefixes: [CLIENT_STREAM_PREFIX, REFUSED_STREAM_PREFIX] };
  readonly batchSize = BATCH;

  constructor(private readonly store: EventStore) {}

  /** Drops every client's status and projects all presence events again (`npm run projections:rebuild`). */
  async rebuild(): Promise<void> {
    await this.store.resetProjection(CLIENT_STATUS_PROJECTION, Object.values(CLIENT_STATUS_COLLECTIONS));
    await this.catchUp();
  }

  /** Projects everything stored so far. */
  async catchUp(): Promise<void> {
    await catchUpProjection(this.store, this);
  }

  async project({ events, after, through }: LogBatch): Promise<void | 'restart'> {
    try {
      await this.store.commitProjection(
        CLIENT_STATUS_PROJECTION,
        through,
        await this.changesFor(events),
        after,
      );
    } catch (error) {
      if (error instanceof ProjectionConflictError) return 'restart';
      throw error;
    }
  }

  private async changesFor(events: RecordedEvent[]): Promise<ProjectionChanges> {
    const presence = events.filter((event): event is PresenceRecord => isPresenceEventType(event.type));
    const deltas = new PresenceCounterDeltas();
    for (const event of events) {
      if (event.type !== 'ClientConnectRefused') continue;
      const refusal = event.data as RefusalData;
      deltas.tally(refusal.time, 'refusals', 1 + (refusal.refusedSinceNotTraced ?? 0));
    }
    const ids = [...new Set(presence.map((event) => (event.data as PresenceEventData).clientId))];
    const stored = await this.store.readDocumentsById(CLIENT_STATUS_COLLECTIONS.clients, ids);
    const statuses = new Map(stored.map(({ id, document }) => [id, document as unknown as ClientStatus]));
    const before = new Map(
      ids.map((id) => [id, new Set(openChannels(statuses.get(id) ?? emptyClientStatus(id)))]),
    );
    const nodes = new Map<string, string>();
    for (const event of presence) {
      const data = event.data as PresenceEventData;
      const node = event.metadata['node'];
      if (event.type === 'ClientConnected' && typeof node === 'string') nodes.set(data.channelId, node);
      const current = statuses.get(data.clientId) ?? emptyClientStatus(data.clientId);
      const next = evolveClientStatus(current, { type: event.type, seq: event.version, data });
      tallyChannels(deltas, openChannels(current), openChannels(next), data.time);
      statuses.set(data.clientId, next);
    }
    const changes = changesOf(statuses, before, nodes, deltas);
    if (!deltas.isEmpty) await this.addCounters(changes, deltas);
    return changes;
  }

  /** Adds the batch's deltas to the stored counters: read here, written in the batch's commit. */
  private async addCounters(changes: Required<ProjectionChanges>, deltas: PresenceCounterDeltas) {
    const { totals: TOTALS, groupsOnline: GROUPS } = CLIENT_STATUS_COLLECTIONS;
    const [[totals], groups] = await Promise.all([
      this.store.readDocumentsById(TOTALS, [PRESENCE_TOTALS_ID]),
      this.store.readDocumentsById(GROUPS, deltas.groups),
    ]);
    const storedGroups = new Map(groups.map(({ id, document }) => [id, document as GroupOnline]));
    const storedTotals = (totals?.document as PresenceTotals | undefined) ?? emptyPresenceTotals();
    changes.upserts.push({
      collection: TOTALS,
      id: PRESENCE_TOTALS_ID,
      document: deltas.applyToTotals(storedTotals),
    });
    for (const groupId of deltas.groups) {
      const document = deltas.applyToGroup(storedGroups.get(groupId), groupId);
      changes.upserts.push({ collection: GROUPS, id: groupId, document });
    }
  }
}

/** Counts the channels one event opened and closed, in the minute it happened on the broker. */
function tallyChannels(deltas: PresenceCounterDeltas, before: string[], after: string[], time: number) {
  const opened = after.filter((channelId) => !before.includes(channelId)).length;
  const closed = before.filter((channelId) => !after.includes(channelId)).length;
  if (opened > 0) deltas.tally(time, 'connects', opened);
  if (closed > 0) deltas.tally(time, 'closes', closed);
}

function changesOf(
  statuses: Map<string, ClientStatus>,
  before: Map<string, Set<string>>,
  nodes: Map<string, string>,
  deltas: PresenceCounterDeltas,
): Required<ProjectionChanges> {
  const changes: Required<ProjectionChanges> = { upserts: [], deletes: [] };
  for (const [clientId, status] of statuses) {
    const open = openChannels(status);
    const parsed = parseClientId(clientId);
    const document = { ...status, online: open.length > 0, groupId: parsed.ok ? parsed.groupId : '' };
    changes.upserts.push({
      collection: CLIENT_STATUS_COLLECTIONS.clients,
      id: clientId,
      document: document as JsonObject,
    });
    const wasOpen = before.get(clientId) ?? new Set<string>();
    if (open.length > 0 && wasOpen.size === 0) {
      deltas.clientOnline(document.groupId, 1);
      changes.upserts.push({
        collection: CLIENT_STATUS_COLLECTIONS.onlineClients,
        id: clientId,
        document: {},
      });
    } else if (open.length === 0 && wasOpen.size > 0) {
      deltas.clientOnline(document.groupId, -1);
      changes.deletes.push({ collection: CLIENT_STATUS_COLLECTIONS.onlineClients, id: clientId });
    }
    for (const channelId of open) {
      if (wasOpen.has(channelId)) continue;
      const channel = status.channels[channelId]!;
      const node = nodes.get(channelId);
      const openChannel: OpenChannel = {
        clientId,
        channelId,
        clientIp: channel.clientIp,
        connectedAt: channel.connectedAt!,
        ...(node !== undefined && { node }),
      };
      changes.upserts.push({
        collection: CLIENT_STATUS_COLLECTIONS.openChannels,
        id: channelId,
        document: openChannel as unknown as JsonObject,
      });
    }
    for (const channelId of wasOpen) {
      if (!open.includes(channelId)) {
        changes.deletes.push({ collection: CLIENT_STATUS_COLLECTIONS.openChannels, id: channelId });
      }
    }
  }
  return changes;
}

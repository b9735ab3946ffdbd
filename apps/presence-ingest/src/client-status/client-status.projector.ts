import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import {
  startSubscription,
  type EventStore,
  type JsonObject,
  type ProjectionChanges,
  type RecordedEvent,
  type Subscription,
} from '#libs/event-store';
import { EVENT_STORE } from '#libs/platform';
import {
  CLIENT_STREAM_PREFIX,
  emptyClientStatus,
  evolveClientStatus,
  isPresenceEventType,
  openChannels,
  parseClientId,
  type ClientStatus,
  type PresenceEventData,
} from '#libs/presence';

export const CLIENT_STATUS_PROJECTION = 'presence.client-status';
export const CLIENT_STATUS_COLLECTIONS = {
  /** One document per client: its channels, whether it is online, its last event (SPEC §6). */
  clients: 'presence.clients',
  /** One document per open channel: what a restart must close, without scanning every client. */
  openChannels: 'presence.open-channels',
} as const;

export interface OpenChannel {
  clientId: string;
  channelId: string;
  clientIp: string;
  connectedAt: number;
}

/**
 * The online status of every client, kept from the presence events by a checkpointed projection whose document
 * changes commit with its checkpoint. presence-ingest needs it at start (to close what the previous run left
 * open); rule-manager serves it to the status API.
 */
@Injectable()
export class ClientStatusProjector implements OnModuleDestroy {
  private readonly logger = new Logger('client-status');
  private subscription: Subscription | undefined;

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  /** Starts following the client streams; resolves once everything already stored is projected. */
  async start(): Promise<void> {
    this.subscription = startSubscription(this.store, {
      name: CLIENT_STATUS_PROJECTION,
      filter: { streamPrefixes: [CLIENT_STREAM_PREFIX] },
      // Few large batches: this runs beside the broker, whose accepts must not wait (bench:connect).
      batchSize: 5000,
      minBatchIntervalMs: 250,
      handle: (events) => this.project(events),
      onError: (error) => this.logger.error(`client status update failed, retrying: ${String(error)}`),
    });
    await this.subscription.caughtUp();
  }

  async openChannels(): Promise<OpenChannel[]> {
    const documents = await this.store.readDocuments(CLIENT_STATUS_COLLECTIONS.openChannels);
    return documents.map(({ document }) => document as unknown as OpenChannel);
  }

  private async project(events: RecordedEvent[]): Promise<void> {
    const presence = events.filter((event) => isPresenceEventType(event.type));
    const last = events.at(-1);
    if (!last) return;
    const ids = [...new Set(presence.map((event) => (event.data as PresenceEventData).clientId))];
    const stored = await this.store.readDocumentsById(CLIENT_STATUS_COLLECTIONS.clients, ids);
    const statuses = new Map(stored.map(({ id, document }) => [id, document as unknown as ClientStatus]));
    const before = new Map(
      ids.map((id) => [id, new Set(openChannels(statuses.get(id) ?? emptyClientStatus(id)))]),
    );
    for (const event of presence) {
      const data = event.data as PresenceEventData;
      const current = statuses.get(data.clientId) ?? emptyClientStatus(data.clientId);
      statuses.set(
        data.clientId,
        evolveClientStatus(current, { type: event.type as never, seq: event.version, data }),
      );
    }
    await this.store.commitProjection(CLIENT_STATUS_PROJECTION, last.position, changesOf(statuses, before));
  }

  async onModuleDestroy(): Promise<void> {
    await this.subscription?.stop();
  }
}

function changesOf(statuses: Map<string, ClientStatus>, before: Map<string, Set<string>>): ProjectionChanges {
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
    for (const channelId of open) {
      if (wasOpen.has(channelId)) continue;
      const channel = status.channels[channelId]!;
      const openChannel = {
        clientId,
        channelId,
        clientIp: channel.clientIp,
        connectedAt: channel.connectedAt!,
      };
      changes.upserts.push({
        collection: CLIENT_STATUS_COLLECTIONS.openChannels,
        id: channelId,
        document: openChannel,
      });
    }
    for (const channelId of wasOpen) {
      if (!open.includes(channelId))
        changes.deletes.push({ collection: CLIENT_STATUS_COLLECTIONS.openChannels, id: channelId });
    }
  }
  return changes;
}

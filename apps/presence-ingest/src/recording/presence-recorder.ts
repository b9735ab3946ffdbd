import { Inject, Injectable, Logger } from '@nestjs/common';
import { GroupCommit, newEventId, type EventStore } from '#libs/event-store';
import { APP_CONFIG, EVENT_STORE, type AppConfig } from '#libs/platform';
import {
  clientStream,
  refusedConnectStream,
  type ClientConnectRefused,
  type ClientTopicRefused,
  type PresenceEvent,
} from '#libs/presence';
import { PresenceMetrics } from '../metrics/presence-metrics.js';
import { ingestNodeId } from '../nodes/node-id.js';

/**
 * Appends presence events to their clients' streams by group commit (5 ms / 256 events), so a connect storm costs
 * one transaction per batch and the broker never waits on the store. The store assigns each client's next stream
 * version, which is its sequence number. Nothing is dropped while the store is down (GroupCommit retries).
 */
@Injectable()
export class PresenceRecorder {
  private readonly commits: GroupCommit;
  /** The node that saw it, in each event's metadata: restarts and takeovers across nodes go by it. */
  private readonly node: string;

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    metrics: PresenceMetrics,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.node = ingestNodeId(config);
    this.commits = new GroupCommit(store, {
      what: 'presence events',
      maxDelayMs: 5,
      maxBatch: 256,
      log: new Logger('presence-recorder'),
      onStored: (batch, seconds) => metrics.batchStored(batch, seconds),
    });
    metrics.watchQueue(() => this.commits.pending);
  }

  /** Events recorded but not yet stored. */
  get pending(): number {
    return this.commits.pending;
  }

  record(event: PresenceEvent | ClientConnectRefused | ClientTopicRefused): void {
    const stream =
      event.type === 'ClientConnectRefused' || event.type === 'ClientTopicRefused'
        ? refusedConnectStream(event.data.clientId)
        : clientStream(event.data.clientId);
    this.commits.add({
      stream,
      event: {
        eventId: newEventId(),
        type: event.type,
        data: event.data,
        metadata: { actor: 'presence-ingest', node: this.node, occurredAt: event.data.time },
      },
    });
  }

  /** Resolves when everything recorded so far is stored (used at shutdown). */
  drain(): Promise<void> {
    return this.commits.drain();
  }
}

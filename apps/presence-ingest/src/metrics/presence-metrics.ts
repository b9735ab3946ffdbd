import { Injectable } from '@nestjs/common';
import type { Committable } from '#libs/event-store';
import { AppMetrics } from '#libs/platform';
import {
  BAD_USERNAME_OR_PASSWORD,
  IDENTIFIER_REJECTED,
  NOT_AUTHORIZED,
  SERVER_UNAVAILABLE,
} from '../broker/client-admission.js';

const REFUSALS: Record<number, string> = {
  [IDENTIFIER_REJECTED]: 'identifier_rejected',
  [BAD_USERNAME_OR_PASSWORD]: 'bad_username_or_password',
  [NOT_AUTHORIZED]: 'not_authorized',
  [SERVER_UNAVAILABLE]: 'server_unavailable',
};

/** presence-ingest's metrics: what the broker admits and refuses, and how its events reach the store. */
@Injectable()
export class PresenceMetrics {
  private readonly accepted;
  private readonly refused;
  private readonly connected;
  private readonly stored;
  private readonly appendSeconds;
  private readonly batchSize;
  private readonly topicRefusals;
  private readonly errors;
  private queued: () => number = () => 0;

  constructor(metrics: AppMetrics) {
    this.accepted = metrics.counter({
      name: 'presence_connections_accepted_total',
      help: 'MQTT connections accepted (CONNACK 0)',
    });
    this.refused = metrics.counter({
      name: 'presence_connections_refused_total',
      help: 'MQTT connections refused, by CONNACK reason',
      labelNames: ['reason'] as const,
    });
    this.connected = metrics.gauge({
      name: 'presence_clients_connected',
      help: 'MQTT clients connected now',
    });
    this.stored = metrics.counter({
      name: 'presence_events_stored_total',
      help: 'presence events appended to the store, by type',
      labelNames: ['type'] as const,
    });
    this.appendSeconds = metrics.histogram({
      name: 'presence_store_append_seconds',
      help: 'time of one group-commit append of presence events',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    });
    this.batchSize = metrics.histogram({
      name: 'presence_store_batch_size',
      help: 'presence events per group-commit append',
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
    });
    this.topicRefusals = metrics.counter({
      name: 'mqtt_topic_refusals_total',
      help: 'PUBLISH and SUBSCRIBE refused by the topic permissions, by action',
      labelNames: ['action'] as const,
    });
    this.errors = metrics.counter({
      name: 'presence_unexpected_errors_total',
      help: 'errors caught in the broker that no peer should be able to cause (see the log), by where',
      labelNames: ['where'] as const,
    });
    const queued = () => this.queued();
    metrics.gauge({
      name: 'presence_events_queued',
      help: 'presence events recorded and not yet stored',
      collect() {
        this.set(queued());
      },
    });
  }

  connectionAccepted(): void {
    this.accepted.inc();
    this.connected.inc();
  }

  /** A connection that was accepted has closed. */
  connectionClosed(): void {
    this.connected.dec();
  }

  connectionRefused(returnCode: number): void {
    this.refused.inc({ reason: REFUSALS[returnCode] ?? `connack_${returnCode}` });
  }

  /** On accept, before any byte is read: `max_connections` or `connect_rate` (per source address). */
  connectionRefusedOnAccept(why: 'max-connections' | 'connect-rate'): void {
    this.refused.inc({ reason: why.replace('-', '_') });
  }

  topicRefused(action: 'publish' | 'subscribe'): void {
    this.topicRefusals.inc({ action });
  }

  unexpectedError(where: string): void {
    this.errors.inc({ where });
  }

  batchStored(batch: readonly Committable[], appendSeconds: number): void {
    this.appendSeconds.observe(appendSeconds);
    this.batchSize.observe(batch.length);
    for (const { event } of batch) this.stored.inc({ type: event.type });
  }

  /** Where the queue length is read at each scrape. */
  watchQueue(length: () => number): void {
    this.queued = length;
  }
}

import { Inject, Injectable, Logger } from '@nestjs/common';
import { followLog, type EventStore, type Following, type LogBatch } from '#libs/event-store';
import { APP_CONFIG, EVENT_STORE, type AppConfig } from '#libs/platform';
import { CLIENT_STREAM_PREFIX, type PresenceEventData } from '#libs/presence';
import { MqttBroker } from '../broker/mqtt-broker.js';
import { ingestNodeId } from './node-id.js';

const MEMBER_PREFIX = 'presence-ingest/member/';
const MEMBER_TTL_MS = 10_000;
const RENEW_MS = 3_000;
const BATCH = 1_000;

/**
 * Several presence-ingest nodes behind one address share the event store as their session registry. Each keeps a
 * membership lease; while another node is alive, each follows the `connect`s the others store and closes its own
 * older connection of the same client with `clientId conflict`, as a takeover on one node does (SPEC §4). The
 * client's stream is shared, so its sequence numbers stay gapless across nodes. Alone, a node only renews its
 * lease every few seconds: the broker's event loop reads nothing more than with one node.
 */
@Injectable()
export class RemoteTakeovers {
  private readonly logger = new Logger('nodes');
  readonly node: string;
  /** The head when the last renewal saw no other node: a node that joined after it stores its connects later. */
  private aloneAt = 0;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private connects: Following | undefined;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly broker: MqttBroker,
  ) {
    this.node = ingestNodeId(config);
  }

  /** Joins the nodes, before the broker accepts connections. */
  async start(): Promise<void> {
    await this.renew();
    this.timer = setInterval(() => void this.renew().catch((error: unknown) => this.warn(error)), RENEW_MS);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.connects?.stop();
    await this.store.releaseLeases(this.node, [MEMBER_PREFIX + this.node]).catch(() => undefined);
  }

  private async renew(): Promise<void> {
    const now = Date.now();
    const head = await this.store.headPosition();
    await this.store.acquireLeases(this.node, [MEMBER_PREFIX + this.node], MEMBER_TTL_MS, now);
    const others = (await this.store.readLeases(MEMBER_PREFIX)).filter(
      (lease) => lease.owner !== this.node && lease.expiresAt > now,
    );
    if (others.length === 0) this.aloneAt = head;
    if (others.length === 0 || this.connects || this.stopped) return;
    this.logger.log(
      `following the connects of the other nodes (${others.map((lease) => lease.owner).join(', ')}) ` +
        `from position ${this.aloneAt}, to close what they take over`,
    );
    this.connects = followLog(this.store, {
      name: 'remote takeovers',
      from: this.aloneAt,
      filter: { streamPrefixes: [CLIENT_STREAM_PREFIX], types: ['ClientConnected'] },
      batchSize: BATCH,
      backoff: { initialMs: 1_000, maxMs: 5_000 },
      handle: (batch) => this.closeTakenOver(batch),
      onError: (error) => this.warn(error),
    });
  }

  private async closeTakenOver({ events }: LogBatch): Promise<void> {
    for (const event of events) {
      if (event.metadata['node'] === this.node) continue;
      const { clientId, time } = event.data as PresenceEventData;
      if (await this.broker.closeTakenOver(clientId, time))
        this.logger.log(
          `${clientId} connected on ${String(event.metadata['node'])}: closed its connection here`,
        );
    }
  }

  private warn(error: unknown): void {
    this.logger.warn(`could not follow the other nodes' connects: ${String(error)}`);
  }
}

import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { Wakeup, type EventStore, type RecordedEvent } from '#libs/event-store';
import {
  afterFailure,
  deliveryKey,
  DELIVERY_STREAM_PREFIX,
  DeliveryLanes,
  notificationRef,
  partitionOf,
  REDELIVERY_STREAM_PREFIX,
  routeLoggedEvent,
  SETTLING_OUTCOMES,
  type LaneEntry,
  type Notification,
  type NotificationRef,
  type NotificationResendRequestedData,
} from '#libs/notifications';
import { APP_CONFIG, EVENT_STORE, type AppConfig } from '#libs/platform';
import { CLIENT_STREAM_PREFIX } from '#libs/presence';
import { ControlPlaneAtPosition, controlPlaneStream } from '#libs/rules';
import { NotificationSender } from './notification-sender.js';
import { OutcomeRecorder } from './outcome-recorder.js';
import { PartitionCheckpoints } from './partition-checkpoints.js';
import { DispatchMetrics } from '../metrics/dispatch-metrics.js';

const READ_BATCH = 1_000;
const POLL_INTERVAL_MS = 1_000;
const CHECKPOINT_INTERVAL_MS = 100;
/** How soon a notification held back because its partition's lease is in doubt is looked at again. */
const LEASE_WAIT_MS = 200;

/** The partitions (of the client ID hash) a run forwards, and whether their leases still allow sending. */
export interface DeliveryScope {
  owned: ReadonlySet<number>;
  mayDeliver(partition: number): boolean;
}

type Entry = LaneEntry<Notification>;

/**
 * Forwards presence events to RocketMQ, at least once and in order per client. The store is the backlog: the
 * pipeline reads ahead of its checkpoint (up to DISPATCH_WINDOW notifications), routes each event by the rules
 * as of its position, and sends with DISPATCH_CONCURRENCY sends in flight, one per client at a time, so a slow
 * client or topic holds only its own lane. The checkpoint moves past an event once the outcome of each of its
 * notifications is stored; after a crash, what was sent but not yet checkpointed is sent again with the same
 * notification ID.
 *
 * A run covers the partitions this dispatcher holds leases for (PartitionLeases restarts it when they change):
 * it skips the clients of other partitions, and per partition what an earlier owner checkpointed.
 */
@Injectable()
export class DeliveryPipeline {
  private readonly logger = new Logger('delivery');
  private rules!: ControlPlaneAtPosition;
  private lanes!: DeliveryLanes<Notification>;
  /** Notifications whose outcome was stored after the checkpoint by an earlier run: not sent again. */
  private settledEarlier = new Set<string>();
  private scope!: DeliveryScope;
  private checkpoints!: PartitionCheckpoints;
  private readonly attempts = new Map<string, number>();
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private readonly wakeup = new Wakeup();
  private readonly settledWakeup = new Wakeup();
  private savedCheckpoint = 0;
  private sending = 0;
  private stopping = false;
  private reading: Promise<void> | undefined;
  private checkpointTimer: NodeJS.Timeout | undefined;
  private savingCheckpoint: Promise<void> | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly sender: NotificationSender,
    private readonly outcomes: OutcomeRecorder,
    private readonly metrics: DispatchMetrics,
  ) {}

  /** Everything of this run's partitions at or below it is settled; undefined before the first run. */
  get checkpoint(): number | undefined {
    // Set by start(): undefined until the first run.
    const lanes = this.lanes as DeliveryLanes<Notification> | undefined;
    return lanes?.checkpoint();
  }

  async start(scope: DeliveryScope): Promise<void> {
    const controlStream = controlPlaneStream(this.config.instanceId);
    this.scope = scope;
    this.stopping = false;
    this.attempts.clear();
    this.checkpoints = await PartitionCheckpoints.load(
      this.store,
      this.config.dispatch.partitions,
      scope.owned,
    );
    const checkpoint = this.checkpoints.lowest;
    const controlEvents = await this.store.readStream(controlStream);
    this.rules = ControlPlaneAtPosition.upTo(controlStream, controlEvents, checkpoint);
    this.settledEarlier = await this.outcomesStoredAfter(checkpoint);
    this.lanes = new DeliveryLanes(checkpoint);
    this.metrics.followCheckpoint(() => this.lanes.checkpoint());
    this.savedCheckpoint = checkpoint;
    this.unsubscribe = this.store.onAppended(() => this.wakeup.signal());
    this.reading = this.readLoop(controlStream);
    this.logger.log(
      `forwarding presence events of ${describePartitions(scope.owned, this.config.dispatch.partitions)} ` +
        `from position ${checkpoint}` +
        (this.settledEarlier.size > 0 ? ` (${this.settledEarlier.size} already delivered there)` : ''),
    );
  }

  /** Stops reading, lets the sends in flight finish and stores their outcomes and the checkpoint. */
  async stop(): Promise<void> {
    if (!this.reading) return; // not started: it holds no partition
    this.stopping = true;
    this.unsubscribe?.();
    this.wakeup.signal();
    this.settledWakeup.signal();
    for (const timer of this.retryTimers) clearTimeout(timer);
    this.retryTimers.clear();
    await this.reading;
    while (this.sending > 0) await sleep(10);
    await this.outcomes.drain();
    clearTimeout(this.checkpointTimer);
    this.checkpointTimer = undefined;
    await this.savingCheckpoint;
    await this.saveCheckpoint();
    this.metrics.runStopped();
    this.reading = undefined;
  }

  private async readLoop(controlStream: string): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      if (this.lanes.pending >= this.config.dispatch.window) {
        await this.settledWakeup.wait(POLL_INTERVAL_MS);
        continue;
      }
      try {
        const progressed = await this.readNext(controlStream);
        failures = 0;
        if (!progressed) await this.wakeup.wait(POLL_INTERVAL_MS);
      } catch (error) {
        failures++;
        const delay = Math.min(5_000, 100 * 2 ** Math.min(failures, 6));
        this.logger.error(
          `could not read the event store (attempt ${failures}), retrying in ${delay} ms: ${String(error)}`,
        );
        await sleep(delay);
      }
    }
  }

  /** Reads the next events after the read position and queues their notifications; false when none were new. */
  private async readNext(controlStream: string): Promise<boolean> {
    const head = await this.store.headPosition();
    if (head <= this.lanes.readPosition) return false;
    const events = await this.store.readAll(this.lanes.readPosition, {
      // Resends requested by operators (replay, redrive) take their place in the log like presence events.
      filter: { streamPrefixes: [controlStream, CLIENT_STREAM_PREFIX, REDELIVERY_STREAM_PREFIX] },
      limit: READ_BATCH,
      toPosition: head,
    });
    if (this.stopping) return false;
    for (const event of events) {
      const notifications = this.notificationsOf(event);
      this.metrics.queued(notifications.map((entry) => entry.value));
      this.lanes.add(event.position, notifications);
    }
    // A short read saw every position up to the head, including events of other streams.
    this.lanes.readUpTo(events.length === READ_BATCH ? events.at(-1)!.position : head);
    this.pump();
    this.scheduleCheckpoint();
    return true;
  }

  private notificationsOf(event: RecordedEvent): { lane: string; value: Notification }[] {
    const routed =
      event.type === 'NotificationResendRequested'
        ? [(event.data as NotificationResendRequestedData).notification]
        : routeLoggedEvent(event, this.rules);
    return routed
      .filter((notification) => this.isOurs(notification.event.clientId, event.position))
      .filter((notification) => !this.settledEarlier.delete(deliveryKey(notification)))
      .map((notification) => ({ lane: notification.event.clientId, value: notification }));
  }

  /** The client's partition is this run's, and its checkpoint is below the event. */
  private isOurs(clientId: string, position: number): boolean {
    const partition = partitionOf(clientId, this.config.dispatch.partitions);
    return this.checkpoints.owns(partition) && !this.checkpoints.settled(partition, position);
  }

  /** Starts as many sends as the concurrency allows. */
  private pump(): void {
    if (this.stopping) return;
    for (const entry of this.lanes.take(this.config.dispatch.concurrency - this.sending)) {
      this.sending++;
      void this.attempt(entry).finally(() => {
        this.sending--;
        this.pump();
      });
    }
  }

  private async attempt(entry: Entry): Promise<void> {
    const notification = entry.value;
    // A lease not renewed in time may be another dispatcher's soon: send nothing more of its partition.
    if (!this.scope.mayDeliver(partitionOf(entry.lane, this.config.dispatch.partitions))) {
      return this.retryLater(entry, LEASE_WAIT_MS);
    }
    const key = deliveryKey(notification);
    const attempt = (this.attempts.get(key) ?? 0) + 1;
    this.attempts.set(key, attempt);
    const result = await this.metrics.timeSend(notification, () =>
      this.sender.send(notification, this.rules.current),
    );
    const now = Date.now();
    const ref = notificationRef(notification);
    if ('messageId' in result) {
      this.lanes.complete(entry);
      const latencyMs = now - notification.event.time;
      this.metrics.forwarded(notification, latencyMs);
      const data = { ...ref, messageId: result.messageId, attempts: attempt, latencyMs };
      this.outcomes.record({ type: 'NotificationForwarded', data }, now, () => this.settle(entry));
      return;
    }
    const next = afterFailure(this.config.dispatch, attempt, result.failure);
    const retryInMs = 'retryInMs' in next ? next.retryInMs : undefined;
    const failed = { ...ref, attempt, failure: result.failure, error: result.error };
    this.metrics.failed(notification, result.failure);
    this.outcomes.record(
      { type: 'NotificationFailed', data: { ...failed, ...(retryInMs && { retryInMs }) } },
      now,
    );
    if (retryInMs === undefined) {
      this.metrics.deadLettered(notification);
      this.logger.error(
        `notification ${notification.notificationId} (client ${ref.clientId}, seq ${ref.seq}) dead-lettered after ` +
          `${attempt} attempts to topic ${ref.topic} on ${ref.rocketmqInstanceId}: ${result.error}`,
      );
      this.lanes.complete(entry);
      const data = { ...ref, attempts: attempt, error: result.error };
      this.outcomes.record({ type: 'NotificationDeadLettered', data }, now, () => this.settle(entry));
      return;
    }
    this.logger.warn(
      `notification ${notification.notificationId} (client ${ref.clientId}, seq ${ref.seq}) to topic ${ref.topic} ` +
        `on ${ref.rocketmqInstanceId} failed (${result.failure}), attempt ${attempt}, retrying in ${retryInMs} ms: ` +
        result.error,
    );
    this.retryLater(entry, retryInMs);
  }

  private retryLater(entry: Entry, delayMs: number): void {
    if (this.stopping) return; // the next run reads it again from the checkpoint
    const timer = setTimeout(() => {
      this.retryTimers.delete(timer);
      this.lanes.retry(entry);
      this.pump();
    }, delayMs);
    this.retryTimers.add(timer);
  }

  private settle(entry: Entry): void {
    this.attempts.delete(deliveryKey(entry.value));
    this.lanes.settle(entry);
    this.metrics.settled(entry.value);
    this.settledWakeup.signal();
    this.scheduleCheckpoint();
  }

  private scheduleCheckpoint(): void {
    this.checkpointTimer ??= setTimeout(() => {
      this.checkpointTimer = undefined;
      this.savingCheckpoint = this.saveCheckpoint().finally(() => (this.savingCheckpoint = undefined));
    }, CHECKPOINT_INTERVAL_MS);
  }

  private async saveCheckpoint(): Promise<void> {
    const checkpoint = this.lanes.checkpoint();
    if (checkpoint <= this.savedCheckpoint) return;
    try {
      await this.checkpoints.save(this.store, checkpoint);
      this.savedCheckpoint = checkpoint;
    } catch (error) {
      // Nothing is lost: a later save moves it; after a crash the notifications since are sent again.
      this.logger.warn(`could not save the checkpoint at ${checkpoint}: ${String(error)}`);
      if (!this.stopping) this.scheduleCheckpoint();
    }
  }

  /** Deliveries (see deliveryKey) an earlier run forwarded or dead-lettered after `checkpoint`. */
  private async outcomesStoredAfter(checkpoint: number): Promise<Set<string>> {
    const settled = new Set<string>();
    for (let after = checkpoint; ;) {
      const events = await this.store.readAll(after, {
        filter: { streamPrefixes: [DELIVERY_STREAM_PREFIX], types: [...SETTLING_OUTCOMES] },
        limit: 5_000,
      });
      for (const event of events) {
        const ref = event.data as NotificationRef;
        if (this.checkpoints.owns(partitionOf(ref.clientId, this.config.dispatch.partitions)))
          settled.add(deliveryKey(ref));
      }
      if (events.length < 5_000) return settled;
      after = events.at(-1)!.position;
    }
  }
}

function describePartitions(owned: ReadonlySet<number>, partitions: number): string {
  if (owned.size === partitions) return `all ${partitions} partitions`;
  return `partitions ${[...owned].sort((a, b) => a - b).join(',')} of ${partitions}`;
}

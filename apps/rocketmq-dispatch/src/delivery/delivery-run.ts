import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@nestjs/common';
import { followLog, Wakeup, type EventStore, type Following, type LogBatch } from '#libs/event-store';
import {
  decideDelivery,
  deliveryKey,
  DeliveryLanes,
  partitionOf,
  type AttemptResult,
  type LaneEntry,
  type Notification,
} from '#libs/notifications';
import type { AppConfig } from '#libs/platform';
import type { DispatchMetrics } from '../metrics/dispatch-metrics.js';
import type { NotificationSender } from './notification-sender.js';
import type { OutcomeRecorder } from './outcome-recorder.js';
import { CheckpointWriter, PartitionCheckpoints } from './partition-checkpoints.js';
import { NotificationRouter } from './route-notifications.js';

const READ_BATCH = 1_000;
/** A client's consecutive notifications to one topic sent in one call, at most. */
const RUN_LENGTH = 64;

/** The partitions (of the client ID hash) a run forwards, and whether their leases still allow sending. */
export interface DeliveryScope {
  owned: ReadonlySet<number>;
  mayDeliver(partition: number): boolean;
}

export interface DeliveryParts {
  store: EventStore;
  config: AppConfig;
  sender: NotificationSender;
  outcomes: OutcomeRecorder;
  metrics: DispatchMetrics;
  logger: Logger;
}

type Entry = LaneEntry<Notification>;
const sameTopic = (a: Notification, b: Notification) =>
  a.target.instanceId === b.target.instanceId && a.target.topic === b.target.topic;

/**
 * One delivery run over the partitions this dispatcher holds, at least once and in order per client:
 * 1. follow the log from the partitions' lowest checkpoint (the store is the backlog; at most DISPATCH_WINDOW
 *    notifications are read ahead of the checkpoint);
 * 2. route each event by the rules as of its position (route-notifications.ts);
 * 3. queue its notifications in one lane per client (DeliveryLanes), so a slow client holds only its own lane;
 * 4. send runs of lane heads, DISPATCH_CONCURRENCY clients in flight (notification-sender.ts, send-runs.ts);
 * 5. decide each outcome (decideDelivery, pure) and 6. append it (outcome-recorder.ts);
 * 7. move the checkpoint past an event once every notification of it is settled (partition-checkpoints.ts).
 * After a crash, what was sent but not yet checkpointed is sent again with the same notification ID.
 */
export class DeliveryRun {
  private readonly lanes: DeliveryLanes<Notification>;
  private readonly checkpoint: CheckpointWriter;
  private readonly following: Following;
  private readonly settledWakeup = new Wakeup();
  private readonly attempts = new Map<string, number>();
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private clientsInFlight = 0;
  private stopping = false;

  static async start(parts: DeliveryParts, scope: DeliveryScope): Promise<DeliveryRun> {
    const { store, config } = parts;
    const { partitions } = config.dispatch;
    const checkpoints = await PartitionCheckpoints.load(store, partitions, scope.owned);
    const router = await NotificationRouter.load(store, config.instanceId, checkpoints, partitions);
    return new DeliveryRun(parts, scope, checkpoints, router);
  }

  private constructor(
    private readonly parts: DeliveryParts,
    private readonly scope: DeliveryScope,
    checkpoints: PartitionCheckpoints,
    private readonly router: NotificationRouter,
  ) {
    const { store, logger, metrics } = parts;
    this.lanes = new DeliveryLanes(checkpoints.lowest);
    this.checkpoint = new CheckpointWriter(
      store,
      checkpoints,
      () => this.lanes.checkpoint(),
      (m) => logger.warn(m),
    );
    metrics.followCheckpoint(() => this.lanes.checkpoint());
    this.following = followLog(store, {
      name: 'dispatch',
      from: checkpoints.lowest,
      filter: router.filter,
      batchSize: READ_BATCH,
      backoff: { initialMs: 200, maxMs: 5_000 },
      handle: (batch) => this.read(batch),
      onError: (error, retryInMs) =>
        logger.error(`could not read the event store, retrying in ${retryInMs} ms: ${String(error)}`),
    });
  }

  /** Everything of this run's partitions at or below it is settled. */
  get settledUpTo(): number {
    return this.lanes.checkpoint();
  }

  get alreadySettled(): number {
    return this.router.alreadySettled;
  }

  /** Stops reading, lets the sends in flight finish and stores their outcomes and the checkpoint. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.settledWakeup.signal();
    for (const timer of this.retryTimers) clearTimeout(timer);
    this.retryTimers.clear();
    await this.following.stop();
    while (this.clientsInFlight > 0) await sleep(10);
    await this.parts.outcomes.drain();
    await this.checkpoint.close();
    this.parts.metrics.runStopped();
  }

  /** Steps 1–3; returns once the window has room again, which holds the log back. */
  private async read({ events, through }: LogBatch): Promise<void> {
    for (const event of events) {
      const notifications = this.router.route(event);
      this.parts.metrics.queued(notifications);
      const entries = notifications.map((value) => ({ lane: value.event.clientId, value }));
      this.lanes.add(event.position, entries);
    }
    this.lanes.readUpTo(through);
    this.pump();
    this.checkpoint.schedule();
    while (!this.stopping && this.lanes.pending >= this.parts.config.dispatch.window)
      await this.settledWakeup.wait(1_000);
  }

  /** Step 4: as many clients' runs as the concurrency allows, those to one topic sent together. */
  private pump(): void {
    if (this.stopping) return;
    const { concurrency, partitions } = this.parts.config.dispatch;
    const runs = this.lanes.take(concurrency - this.clientsInFlight, RUN_LENGTH, sameTopic);
    const byTopic = new Map<string, Entry[][]>();
    for (const run of runs) {
      // A lease not renewed in time may be another dispatcher's soon: send nothing more of its partition.
      if (!this.scope.mayDeliver(partitionOf(run[0]!.lane, partitions))) {
        this.decide(
          run,
          run.map(() => ({ leaseLost: true })),
        );
        continue;
      }
      const { instanceId, topic } = run[0]!.value.target;
      const key = `${instanceId}\u0000${topic}`;
      const topicRuns = byTopic.get(key);
      if (topicRuns) topicRuns.push(run);
      else byTopic.set(key, [run]);
    }
    for (const topicRuns of byTopic.values()) void this.send(topicRuns);
  }

  private async send(runs: Entry[][]): Promise<void> {
    this.clientsInFlight += runs.length;
    const notifications = runs.map((run) => run.map((entry) => entry.value));
    const results = await this.parts.metrics.timeSend(notifications.flat(), () =>
      this.parts.sender.send(notifications, this.router.current),
    );
    this.clientsInFlight -= runs.length;
    runs.forEach((run, i) => this.decide(run, results[i]!));
    this.pump();
  }

  /**
   * Steps 5–6, per notification of a run in order; after one that must wait, the rest of the run waits too (what
   * was sent after it in the same call goes again after it, and only a decided send counts as an attempt).
   */
  private decide(run: Entry[], results: AttemptResult[]): void {
    const now = Date.now();
    for (const [i, entry] of run.entries()) {
      const notification = entry.value;
      const result = results[i]!;
      const attempt = this.countAttempt(notification, result);
      const decision = decideDelivery({ notification, attempt, result, now }, this.parts.config.dispatch);
      this.parts.outcomes.record(notification, decision, now, () => this.settle(entry));
      if (decision.next === 'retry') return this.retryLater(entry, decision.retryInMs);
      this.lanes.complete(entry);
    }
  }

  /** Attempts made so far, this one included; a round held back by a lease in doubt is not an attempt. */
  private countAttempt(notification: Notification, result: AttemptResult): number {
    const key = deliveryKey(notification);
    const attempt = (this.attempts.get(key) ?? 0) + ('leaseLost' in result ? 0 : 1);
    this.attempts.set(key, attempt);
    return attempt;
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

  /** Step 7: its outcome is stored, so it no longer holds the checkpoint back. */
  private settle(entry: Entry): void {
    this.attempts.delete(deliveryKey(entry.value));
    this.lanes.settle(entry);
    this.parts.metrics.settled(entry.value);
    this.settledWakeup.signal();
    this.checkpoint.schedule();
  }
}

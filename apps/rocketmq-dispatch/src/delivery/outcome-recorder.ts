import { Inject, Injectable, Logger } from '@nestjs/common';
import { eventIdFor, GroupCommit, newEventId, type EventStore } from '#libs/event-store';
import {
  deliveryKey,
  deliveryStream,
  type DeliveryDecision,
  type DeliveryOutcome,
  type Notification,
} from '#libs/notifications';
import { APP_CONFIG, EVENT_STORE, type AppConfig } from '#libs/platform';
import { DispatchMetrics } from '../metrics/dispatch-metrics.js';
import { dispatchNodeId } from '../partitions/node-id.js';

/**
 * Step 6: appends delivery outcomes to the rules' delivery streams by group commit, counts and logs them, and says
 * when a settling one is stored, which is when dispatch may move its checkpoint past the notification. Forwarded
 * and dead-lettered outcomes have an ID derived from the delivery (the notification, or its replay or redrive), so
 * the same outcome recorded again after a crash is refused as a duplicate and counted once. The ID starts with the
 * event's time, so outcomes stored in about event order keep the store's unique index appending at its edge.
 */
@Injectable()
export class OutcomeRecorder {
  private readonly logger = new Logger('delivery');
  private readonly commits: GroupCommit;
  /** Which dispatcher sent it, in each outcome's metadata (several may share the partitions). */
  private readonly node: string;

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly metrics: DispatchMetrics,
  ) {
    this.node = dispatchNodeId(config);
    this.commits = new GroupCommit(store, {
      what: 'delivery outcomes',
      maxDelayMs: 5,
      maxBatch: 500,
      log: new Logger('outcomes'),
    });
  }

  /** `stored` is told once a decision that ends the notification (`done`) is durably recorded. */
  record(notification: Notification, decision: DeliveryDecision, now: number, stored: () => void): void {
    decision.outcomes.forEach((outcome, i) => {
      this.observe(notification, outcome);
      const last = i === decision.outcomes.length - 1;
      this.append(outcome, now, last && decision.next === 'done' ? stored : undefined);
    });
  }

  /** Resolves once everything recorded so far is stored. */
  drain(): Promise<void> {
    return this.commits.drain();
  }

  private append(outcome: DeliveryOutcome, occurredAt: number, stored?: () => void): void {
    const eventId =
      outcome.type === 'NotificationFailed'
        ? newEventId()
        : eventIdFor(`${outcome.type}:${deliveryKey(outcome.data)}`, outcome.data.eventTime);
    this.commits.add({
      stream: deliveryStream(outcome.data.ruleId),
      event: {
        eventId,
        type: outcome.type,
        data: outcome.data,
        metadata: {
          actor: 'rocketmq-dispatch',
          node: this.node,
          occurredAt,
          causationId: outcome.data.eventId,
        },
      },
      ...(stored && { stored }),
    });
  }

  private observe(notification: Notification, outcome: DeliveryOutcome): void {
    const { data } = outcome;
    const which = `notification ${data.notificationId} (client ${data.clientId}, seq ${data.seq})`;
    const where = `topic ${data.topic} on ${data.rocketmqInstanceId}`;
    switch (outcome.type) {
      case 'NotificationForwarded':
        return this.metrics.forwarded(notification, outcome.data.latencyMs);
      case 'NotificationFailed': {
        this.metrics.failed(notification, outcome.data.failure);
        const { attempt, failure, error, retryInMs } = outcome.data;
        if (retryInMs === undefined) return;
        return this.logger.warn(
          `${which} to ${where} failed (${failure}), attempt ${attempt}, retrying in ${retryInMs} ms: ${error}`,
        );
      }
      case 'NotificationDeadLettered':
        this.metrics.deadLettered(notification);
        return this.logger.error(
          `${which} dead-lettered after ${outcome.data.attempts} attempts to ${where}: ${outcome.data.error}`,
        );
    }
  }
}

import { Inject, Injectable, Logger } from '@nestjs/common';
import { eventIdFor, GroupCommit, newEventId, type EventStore } from '#libs/event-store';
import { deliveryKey, deliveryStream, type DeliveryOutcome } from '#libs/notifications';
import { APP_CONFIG, EVENT_STORE, type AppConfig } from '#libs/platform';
import { dispatchNodeId } from '../partitions/node-id.js';

/**
 * Appends delivery outcomes to the rules' delivery streams by group commit, and says when each is stored, which
 * is when dispatch may move its checkpoint past the notification. Forwarded and dead-lettered outcomes have an
 * ID derived from the delivery (the notification, or its replay or redrive), so the same outcome recorded again after a crash is refused as a duplicate
 * and counted once. The ID starts with the event's time, so outcomes stored in about event order keep the store's
 * unique index appending at its edge.
 */
@Injectable()
export class OutcomeRecorder {
  private readonly commits: GroupCommit;
  /** Which dispatcher sent it, in each outcome's metadata (several may share the partitions). */
  private readonly node: string;

  constructor(@Inject(EVENT_STORE) store: EventStore, @Inject(APP_CONFIG) config: AppConfig) {
    this.node = dispatchNodeId(config);
    this.commits = new GroupCommit(store, {
      what: 'delivery outcomes',
      maxDelayMs: 5,
      maxBatch: 500,
      log: new Logger('outcomes'),
    });
  }

  record(outcome: DeliveryOutcome, occurredAt: number, stored?: () => void): void {
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

  /** Resolves once everything recorded so far is stored. */
  drain(): Promise<void> {
    return this.commits.drain();
  }
}

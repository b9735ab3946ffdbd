import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { newEventId, startSubscription, type EventStore, type RecordedEvent } from '#libs/event-store';
import {
  deliveryStream,
  routePresenceEvent,
  toStatusMessage,
  type Notification,
  type NotificationForwarded,
} from '#libs/notifications';
import { APP_CONFIG, EVENT_STORE, type AppConfig } from '#libs/platform';
import { CLIENT_STREAM_PREFIX, isPresenceEventType, type PresenceEventData } from '#libs/presence';
import { ControlPlaneAtPosition, controlPlaneStream } from '#libs/rules';
import { RocketmqProducersProvider } from '#libs/rocketmq';

const SUBSCRIPTION = 'rocketmq-dispatch';
const MAX_BACKOFF_MS = 30_000;

/**
 * Forwards presence events to RocketMQ. A checkpointed subscription to the global log: the store is the backlog,
 * so nothing is lost while RocketMQ or this process is down; a crash between a send and the checkpoint sends
 * again with the same notification ID (at least once). Events are handled one after another, so each client's
 * notifications leave in sequence order.
 */
@Injectable()
export class PresenceForwarder {
  private readonly logger = new Logger('forwarder');
  private subscription: { stop(): Promise<void> } | undefined;
  private rules: ControlPlaneAtPosition | undefined;
  /** Events handled by this process; a batch retried after a store error does not send them again. */
  private handledPosition = 0;
  private stopping = false;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly publisher: RocketmqProducersProvider,
  ) {}

  async start(): Promise<void> {
    const controlStream = controlPlaneStream(this.config.instanceId);
    const checkpoint = await this.store.loadCheckpoint(SUBSCRIPTION);
    this.rules = ControlPlaneAtPosition.upTo(
      controlStream,
      await this.store.readStream(controlStream),
      checkpoint,
    );
    this.handledPosition = checkpoint;
    this.subscription = startSubscription(this.store, {
      name: SUBSCRIPTION,
      filter: { streamPrefixes: [controlStream, CLIENT_STREAM_PREFIX] },
      batchSize: 256,
      handle: (events) => this.handle(events),
      onError: (error) => this.logger.error(`event store error, retrying the batch: ${String(error)}`),
    });
    this.logger.log(`forwarding presence events from position ${checkpoint}`);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.subscription?.stop();
  }

  private async handle(events: RecordedEvent[]): Promise<void> {
    for (const event of events) {
      if (event.position <= this.handledPosition) continue;
      this.rules!.apply(event);
      if (isPresenceEventType(event.type)) {
        const data = event.data as PresenceEventData;
        const notifications = routePresenceEvent({ ...event, type: event.type, data }, this.rules!.current);
        for (const notification of notifications) await this.forward(notification);
      }
      this.handledPosition = event.position;
    }
  }

  /** Sends until RocketMQ acknowledges, with capped exponential backoff, then records the outcome. */
  private async forward(notification: Notification): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const instance = this.rules!.current.rocketmqInstances[notification.target.instanceId];
      if (!instance) throw new Error(`RocketMQ instance ${notification.target.instanceId} is unknown`);
      try {
        const fifo = await this.publisher.isFifoTopic(instance, notification.target.topic);
        const message = toStatusMessage(notification, { fifo }, this.config.instanceId);
        const messageId = await this.publisher.send(instance, message);
        await this.recordForwarded(notification, messageId, attempt);
        return;
      } catch (error) {
        if (this.stopping) throw error;
        const delay = Math.min(MAX_BACKOFF_MS, 200 * 2 ** Math.min(attempt - 1, 10));
        this.logger.warn(
          `notification ${notification.notificationId} (client ${notification.event.clientId}, seq ${notification.seq}) ` +
            `to topic ${notification.target.topic} on ${instance.instanceId} (${instance.endpoints}) failed, ` +
            `attempt ${attempt}, retrying in ${delay} ms: ${String(error)}`,
        );
        await sleep(delay);
      }
    }
  }

  private async recordForwarded(
    notification: Notification,
    messageId: string,
    attempts: number,
  ): Promise<void> {
    const now = Date.now();
    const outcome: NotificationForwarded = {
      type: 'NotificationForwarded',
      data: {
        notificationId: notification.notificationId,
        ruleId: notification.ruleId,
        ruleVersion: notification.ruleVersion,
        eventId: notification.eventId,
        clientId: notification.event.clientId,
        seq: notification.seq,
        topic: notification.target.topic,
        rocketmqInstanceId: notification.target.instanceId,
        messageId,
        attempts,
        latencyMs: now - notification.event.time,
      },
    };
    await this.store.append(
      deliveryStream(notification.ruleId),
      [
        {
          eventId: newEventId(),
          ...outcome,
          metadata: { actor: 'rocketmq-dispatch', occurredAt: now, causationId: notification.eventId },
        },
      ],
      'any',
    );
  }
}

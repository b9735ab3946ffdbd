import { Inject, Injectable } from '@nestjs/common';
import { toStatusMessage, type Notification } from '#libs/notifications';
import { APP_CONFIG, type AppConfig } from '#libs/platform';
import { classifySendFailure, RocketmqProducersProvider, type SendFailure } from '#libs/rocketmq';
import type { ControlPlaneState } from '#libs/rules';

export type SendResult = { messageId: string } | SendFailure;

/** One attempt to put a notification on its rule's topic, with the failure classified when it does not. */
@Injectable()
export class NotificationSender {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly producers: RocketmqProducersProvider,
  ) {}

  /** `controlPlane` gives the instance's current endpoints and credentials (an operator may have fixed them). */
  async send(notification: Notification, controlPlane: ControlPlaneState): Promise<SendResult> {
    const instance = controlPlane.rocketmqInstances[notification.target.instanceId];
    if (!instance) {
      const error = `RocketMQ instance ${notification.target.instanceId} is no longer registered`;
      return { failure: 'permanent', error };
    }
    try {
      const fifo = await this.producers.isFifoTopic(instance, notification.target.topic);
      const message = toStatusMessage(notification, { fifo }, this.config.instanceId);
      return { messageId: await this.producers.send(instance, message) };
    } catch (error) {
      return classifySendFailure(error);
    }
  }
}

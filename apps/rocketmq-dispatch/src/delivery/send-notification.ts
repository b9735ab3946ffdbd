import { toStatusMessage, type Notification } from '#libs/notifications';
import { classifySendFailure, type RocketmqProducers, type SendFailure } from '#libs/rocketmq';
import type { RocketmqInstance } from '#libs/rules';

export type SendResult = { messageId: string } | SendFailure;

/** One attempt to put a notification on its topic, with the failure classified when it does not get there. */
export async function sendNotification(
  producers: RocketmqProducers,
  instance: RocketmqInstance,
  notification: Notification,
  mqttInstanceId: string,
): Promise<SendResult> {
  try {
    const fifo = await producers.isFifoTopic(instance, notification.target.topic);
    const message = toStatusMessage(notification, { fifo }, mqttInstanceId);
    return { messageId: await producers.send(instance, message) };
  } catch (error) {
    return classifySendFailure(error);
  }
}

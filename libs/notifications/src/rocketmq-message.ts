import type { Notification } from './notification.js';

/** What goes to RocketMQ for one notification (SPEC §5), independent of any client library. */
export interface StatusMessage {
  topic: string;
  /** The eventType: `connect` | `disconnect` | `tcpclean`. */
  tag: string;
  /** UTF-8 JSON, byte-compatible with the original product. */
  body: string;
  /** The clientId, so consumers can search by it, and the notification ID, so they can drop duplicates. */
  keys: string[];
  /** The clientId on FIFO topics only: RocketMQ refuses a message group on a normal topic. */
  messageGroup?: string;
  properties: Record<string, string>;
}

/**
 * The body keeps the original's fields in the original's order: clientId, time, eventType, channelId, clientIp
 * (object literal order is JSON.stringify order). `certificateChainSn` only for device-certificate clients.
 */
export function statusMessageBody(notification: Notification): string {
  const { event } = notification;
  const certificateChainSn = event['certificateChainSn'];
  return JSON.stringify({
    clientId: event.clientId,
    time: event.time,
    eventType: notification.eventType,
    channelId: event.channelId,
    clientIp: event.clientIp,
    ...(typeof certificateChainSn === 'string' && { certificateChainSn }),
  });
}

export function toStatusMessage(
  notification: Notification,
  topic: { fifo: boolean },
  mqttInstanceId: string,
): StatusMessage {
  return {
    topic: notification.target.topic,
    tag: notification.eventType,
    body: statusMessageBody(notification),
    keys: [notification.event.clientId, notification.notificationId],
    ...(topic.fifo && { messageGroup: notification.event.clientId }),
    properties: {
      seq: String(notification.seq),
      reason: notification.event.reason,
      ruleId: notification.ruleId,
      eventId: notification.eventId,
      instanceId: mqttInstanceId,
      // MQTT details beyond the original's body: the protocol level, and the MQTT 5 DISCONNECT reason codes.
      ...mqttDetails(notification.event),
      // `replay` or `redrive` with its ID: sent again on an operator's request, the notification ID unchanged.
      ...(notification.resend && { [notification.resend.kind]: notification.resend.id }),
    },
  };
}

function mqttDetails(event: Notification['event']): Record<string, string> {
  const details: Record<string, string> = {};
  for (const name of ['protocolVersion', 'clientReasonCode', 'serverReasonCode'] as const) {
    if (typeof event[name] === 'number') details[name] = String(event[name]);
  }
  return details;
}

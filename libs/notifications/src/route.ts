import {
  isPresenceEventType,
  parseClientId,
  statusEventType,
  type PresenceEventData,
  type PresenceEventType,
} from '#libs/presence';
import {
  ruleForGroup,
  type ControlPlaneAtPosition,
  type ControlPlaneState,
  type PositionedEvent,
} from '#libs/rules';
import { notificationId, type Notification } from './notification.js';

export interface StoredPresenceEvent {
  eventId: string;
  type: PresenceEventType;
  /** Version in the client's stream: its sequence number. */
  version: number;
  data: PresenceEventData;
}

/**
 * The notifications a presence event gives, decided by the rules as they stood at the event's position in the
 * store (SPEC §3): the caller passes the control plane state folded up to that position, so a replay of history
 * makes the same decisions. Only an enabled client status rule of the client's group forwards.
 */
export function routePresenceEvent(
  event: StoredPresenceEvent,
  rulesAtEvent: ControlPlaneState,
): Notification[] {
  const client = parseClientId(event.data.clientId);
  if (!client.ok) return [];
  const rule = ruleForGroup(rulesAtEvent, client.groupId);
  if (!rule || rule.status !== 'ENABLED' || rule.ruleType !== 'CLIENT_STATUS_NOTIFY') return [];
  return [
    {
      notificationId: notificationId(rule.ruleId, event.eventId),
      ruleId: rule.ruleId,
      ruleVersion: rule.version,
      target: { instanceId: rule.target.instanceId, topic: rule.target.topic },
      eventId: event.eventId,
      seq: event.version,
      eventType: statusEventType(event.type),
      event: event.data,
    },
  ];
}

/**
 * One event of the log as its readers meet it (dispatch, the delivery counters, a replay): a control plane change
 * moves the rules on, a presence event is routed by the rules as they stand then. One function, so they all make
 * the same decisions.
 */
export function routeLoggedEvent(
  event: PositionedEvent & { eventId: string },
  rules: ControlPlaneAtPosition,
): Notification[] {
  rules.apply(event);
  if (!isPresenceEventType(event.type)) return [];
  return routePresenceEvent(
    { ...event, type: event.type, data: event.data as PresenceEventData },
    rules.current,
  );
}

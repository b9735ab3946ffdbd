/**
 * Presence events: what the broker saw of one client's connections. They live in the client's stream, whose
 * version is the client's sequence number (1, 2, 3 … never reset), so consumers can order its events.
 */

/** The trace vocabulary of the original product (SPEC §4), plus our own `closed by server` and `broker restart`. */
export const PRESENCE_REASONS = [
  'accepted',
  'disconnected by client',
  'closed by client',
  'no heart',
  'clientId conflict',
  'not authorized',
  'invalid param',
  'Socket IOException',
  'closed by server',
  'broker restart',
] as const;
export type PresenceReason = (typeof PRESENCE_REASONS)[number];

export interface PresenceEventData {
  [key: string]: unknown;
  clientId: string;
  channelId: string;
  /** `ip:port` of the client as the broker saw it. */
  clientIp: string;
  /** Epoch milliseconds when it happened on the broker; never rewritten. */
  time: number;
  reason: PresenceReason;
  /** The MQTT protocol level of the connection: 3 (3.1), 4 (3.1.1) or 5 (5.0). Absent on older events. */
  protocolVersion?: number;
  /** MQTT 5: the reason code of the client's DISCONNECT (0x04: with will message). */
  clientReasonCode?: number;
  /** MQTT 5: the reason code the broker's DISCONNECT told the client (0x8E, 0x98, 0x8B). */
  serverReasonCode?: number;
}

export type ClientConnected = { type: 'ClientConnected'; data: PresenceEventData };
export type ClientDisconnected = { type: 'ClientDisconnected'; data: PresenceEventData };
export type ClientConnectionClosed = { type: 'ClientConnectionClosed'; data: PresenceEventData };
export type PresenceEvent = ClientConnected | ClientDisconnected | ClientConnectionClosed;
export type PresenceEventType = PresenceEvent['type'];

/** The `eventType` of the original product's notification. */
export type StatusEventType = 'connect' | 'disconnect' | 'tcpclean';

const STATUS_EVENT_TYPES: Record<PresenceEventType, StatusEventType> = {
  ClientConnected: 'connect',
  ClientDisconnected: 'disconnect',
  ClientConnectionClosed: 'tcpclean',
};

export const PRESENCE_EVENT_TYPES = Object.keys(STATUS_EVENT_TYPES) as PresenceEventType[];

export function isPresenceEventType(type: string): type is PresenceEventType {
  return Object.hasOwn(STATUS_EVENT_TYPES, type);
}

export function statusEventType(type: PresenceEventType): StatusEventType {
  return STATUS_EVENT_TYPES[type];
}

/** What the trace keeps of a refusal: bounded detail, never a credential. */
export interface RefusalData {
  [key: string]: unknown;
  clientId: string;
  clientIp: string;
  time: number;
  reason: PresenceReason;
  detail: string;
  /** How many refusals of this client were counted but not traced since the previous entry. */
  refusedSinceNotTraced?: number;
}

/**
 * A CONNECT the broker refused (SPEC §2): no notification and no sequence number, only a trace entry, kept in its
 * own stream so the client's sequence stays the sequence of its connections.
 */
export type ClientConnectRefused = { type: 'ClientConnectRefused'; data: RefusalData };

/** A PUBLISH or SUBSCRIBE the topic permissions refused; kept beside the refused connects, rate-limited alike. */
export type ClientTopicRefused = {
  type: 'ClientTopicRefused';
  data: RefusalData & { action: 'publish' | 'subscribe' };
};

export const REFUSED_STREAM_PREFIX = 'refused-';

export function refusedConnectStream(clientId: string): string {
  return REFUSED_STREAM_PREFIX + clientId;
}

export const CLIENT_STREAM_PREFIX = 'client-';

export function clientStream(clientId: string): string {
  return CLIENT_STREAM_PREFIX + clientId;
}

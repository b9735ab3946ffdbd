import type { PresenceEventType, PresenceReason, StatusEventType } from './presence.events.js';
import { statusEventType } from './presence.events.js';

/** What is known of one TCP connection: whether its `connect` and its `tcpclean` have been seen. */
export interface ChannelState {
  clientIp: string;
  connectedAt?: number;
  closedAt?: number;
}

export interface ClientStatus {
  clientId: string;
  /** Channels not yet finished: a connect without tcpclean (open), or a tcpclean whose connect is still to come. */
  channels: Record<string, ChannelState>;
  lastEvent?: {
    eventType: StatusEventType;
    channelId: string;
    time: number;
    reason: PresenceReason;
    seq: number;
  };
}

export interface StatusInput {
  type: PresenceEventType;
  seq: number;
  data: { clientId: string; channelId: string; clientIp: string; time: number; reason: PresenceReason };
}

export const emptyClientStatus = (clientId: string): ClientStatus => ({ clientId, channels: {} });

/**
 * SPEC §6, per channel and never one flag per client: a channel is open from its `connect` until its `tcpclean`,
 * in whatever order the two arrive; a channel with both is finished and forgotten. `disconnect` changes nothing
 * (a `tcpclean` always follows). The last event is the one with the highest sequence number.
 */
export function evolveClientStatus(status: ClientStatus, event: StatusInput): ClientStatus {
  const { channelId, clientIp, time } = event.data;
  const channels = { ...status.channels };
  const channel: ChannelState = { ...(channels[channelId] ?? { clientIp }) };
  if (event.type === 'ClientConnected') channel.connectedAt = time;
  if (event.type === 'ClientConnectionClosed') channel.closedAt = time;
  if (channel.connectedAt !== undefined && channel.closedAt !== undefined) delete channels[channelId];
  else if (event.type !== 'ClientDisconnected') channels[channelId] = channel;
  const last =
    status.lastEvent && status.lastEvent.seq > event.seq
      ? status.lastEvent
      : {
          eventType: statusEventType(event.type),
          channelId,
          time,
          reason: event.data.reason,
          seq: event.seq,
        };
  return { ...status, channels, lastEvent: last };
}

/** Online while at least one channel has its connect and no tcpclean yet. */
export function openChannels(status: ClientStatus): string[] {
  return Object.entries(status.channels)
    .filter(([, channel]) => channel.connectedAt !== undefined && channel.closedAt === undefined)
    .map(([channelId]) => channelId)
    .sort();
}

export function isOnline(status: ClientStatus): boolean {
  return openChannels(status).length > 0;
}

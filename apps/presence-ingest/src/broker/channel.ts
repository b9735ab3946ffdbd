import { randomUUID } from 'node:crypto';
import type { Client } from 'aedes';
import { channelIdFromUuid, type PresenceReason } from '#libs/presence';

/** One TCP connection of a client, from CONNECT to close. */
export interface Channel {
  channelId: string;
  clientIp: string;
  /** Set once CONNACK "accepted" was sent: only such channels give `connect` and, later, `tcpclean`. */
  connected: boolean;
  /** When CONNACK "accepted" was sent: a later connect of the same client on another node takes over. */
  connectedAt?: number;
  /** Why it closed, when the broker knows better than "closed by client". */
  closeReason?: PresenceReason;
}

/** `ip:port` as the broker saw it; IPv4-mapped IPv6 addresses shown as IPv4, other IPv6 in brackets. */
export function clientAddress(client: Client): string {
  // Over WebSocket the connection is a stream; the address is on the HTTP request's socket.
  const socket = (client.req?.socket ?? client.conn) as { remoteAddress?: string; remotePort?: number };
  const address = (socket.remoteAddress ?? 'unknown').replace(/^::ffff:/, '');
  const host = address.includes(':') ? `[${address}]` : address;
  return `${host}:${socket.remotePort ?? 0}`;
}

const channels = new WeakMap<Client, Channel>();

export function openChannel(client: Client): Channel {
  const channel: Channel = {
    channelId: channelIdFromUuid(randomUUID()),
    clientIp: clientAddress(client),
    connected: false,
  };
  channels.set(client, channel);
  return channel;
}

export function channelOf(client: Client): Channel | undefined {
  return channels.get(client);
}

/** The first known reason wins: a keepalive timeout followed by a socket error is still `no heart`. */
export function markClosing(client: Client, reason: PresenceReason): void {
  const channel = channels.get(client);
  if (channel && !channel.closeReason) channel.closeReason = reason;
}

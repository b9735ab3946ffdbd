import { randomUUID } from 'node:crypto';
import type { Client } from 'aedes';
import { channelIdFromUuid, openingChannel, type ConnectionState } from '#libs/presence';
import type { AdmissionBasis } from './client-admission.js';

/** One TCP connection of a client, from CONNECT to close. */
export interface Channel {
  channelId: string;
  clientIp: string;
  /** From 127.0.0.0/8 or ::1: trusted with the connect rate and the default topic permissions. */
  loopback: boolean;
  state: ConnectionState;
  /** What its CONNECT asked for (0: no MQTT keepalive). */
  keepaliveSeconds: number;
  /** When CONNACK "accepted" was sent: a later connect of the same client on another node takes over. */
  connectedAt?: number;
  /** Who it authenticated as and on what ground, kept so that a revocation can close it. */
  admission?: { groupId: string; deviceId: string; username: string | undefined; basis: AdmissionBasis };
}

export const isLoopbackAddress = (address: string) =>
  address.startsWith('127.') || address === '::1' || address.startsWith('::ffff:127.');

/** The peer's socket: over WebSocket the connection is a stream, and the address is on the HTTP request's socket. */
const peerOf = (client: Client) =>
  (client.req?.socket ?? client.conn) as { remoteAddress?: string; remotePort?: number };

/** `ip:port` as the broker saw it; IPv4-mapped IPv6 addresses shown as IPv4, other IPv6 in brackets. */
function addressText(peer: { remoteAddress?: string; remotePort?: number }): string {
  const address = (peer.remoteAddress ?? 'unknown').replace(/^::ffff:/, '');
  const host = address.includes(':') ? `[${address}]` : address;
  return `${host}:${peer.remotePort ?? 0}`;
}

/** The channels of this broker's connections, and which one is each client's live connection. */
export class Channels {
  private readonly byClient = new WeakMap<Client, Channel>();
  private readonly live = new Map<string, Client>();

  open(client: Client, connect: { protocolVersion: number; keepaliveSeconds: number }): Channel {
    const peer = peerOf(client);
    const channel: Channel = {
      channelId: channelIdFromUuid(randomUUID()),
      clientIp: addressText(peer),
      loopback: isLoopbackAddress(peer.remoteAddress ?? ''),
      state: openingChannel(connect.protocolVersion),
      keepaliveSeconds: connect.keepaliveSeconds,
    };
    this.byClient.set(client, channel);
    return channel;
  }

  of(client: Client): Channel | undefined {
    return this.byClient.get(client);
  }

  /** The client's connection that is online now, if any. */
  liveClient(clientId: string): Client | undefined {
    return this.live.get(clientId);
  }

  liveClients(): IterableIterator<Client> {
    return this.live.values();
  }

  get liveCount(): number {
    return this.live.size;
  }

  wentOnline(client: Client): void {
    this.live.set(client.id, client);
  }

  wentOffline(client: Client): void {
    if (this.live.get(client.id) === client) this.live.delete(client.id);
  }
}

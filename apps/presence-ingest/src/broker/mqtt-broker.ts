import type { Server } from 'node:net';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { Aedes, type AuthenticateError, type Client } from 'aedes';
import { APP_CONFIG, CredentialsCipher, type AppConfig } from '#libs/platform';
import type { PresenceEvent, PresenceReason } from '#libs/presence';
import { PresenceMetrics } from '../metrics/presence-metrics.js';
import { PresenceRecorder } from '../recording/presence-recorder.js';
import { ControlPlaneView } from '../control-plane/control-plane.view.js';
import { channelOf, markClosing, openChannel, type Channel } from './channel.js';
import { admitClient, type AdmissionRules } from './client-admission.js';
import { listen, type Listener } from './listeners.js';
import { checkSignature } from './signature-auth.js';
import { VerifiedPasswords } from './verified-passwords.js';

const NETWORK_ERRORS = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * The embedded aedes broker: admits clients of registered groups and turns what happens to their connections
 * into presence events (SPEC §4). Nothing here waits on the store: events are queued to the recorder.
 */
@Injectable()
export class MqttBroker {
  private readonly logger = new Logger('mqtt-broker');
  private broker: Aedes | undefined;
  private readonly servers: Server[] = [];
  private stopping = false;
  private readonly passwords = new VerifiedPasswords();
  private readonly admission: AdmissionRules;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly groups: ControlPlaneView,
    private readonly recorder: PresenceRecorder,
    @Inject(CredentialsCipher) cipher: CredentialsCipher,
    private readonly metrics: PresenceMetrics,
  ) {
    this.admission = {
      isRegistered: async (groupId) => {
        if (this.groups.has(groupId)) return true;
        await this.groups.refresh().catch(() => undefined); // registered a moment ago? look once more
        return this.groups.has(groupId);
      },
      credentialsFor: (clientId, groupId) => this.groups.credentialsFor(clientId, groupId),
      verifyPassword: (password, hash) => this.passwords.verify(password, hash),
      checkSignature: (username, password, clientId) =>
        checkSignature(username, password, clientId, {
          instanceId: config.instanceId,
          accessKey: (id) => this.groups.accessKey(id),
          decrypt: (ciphertext) => cipher.decrypt(ciphertext),
        }),
      allowAnonymous: config.mqttAllowAnonymous,
    };
  }

  get connectedClients(): number {
    return this.broker?.connectedClients ?? 0;
  }

  /** Creates the broker; listeners are opened one by one (`listen`) so a taken port names its own variable. */
  async start(): Promise<void> {
    const broker = await Aedes.createBroker({
      authenticate: (client, username, password, done) => void this.admit(client, username, password, done),
    });
    broker.on('connackSent', (packet, client) => {
      if (packet.returnCode === 0) this.connected(client);
    });
    broker.on('keepaliveTimeout', (client) => markClosing(client, 'no heart'));
    broker.on('clientError', (client, error) => {
      const code = (error as NodeJS.ErrnoException).code;
      if (code && NETWORK_ERRORS.has(code)) markClosing(client, 'Socket IOException');
    });
    broker.on('clientDisconnect', (client) => this.closed(client));
    this.broker = broker;
  }

  async listen(listener: Listener): Promise<void> {
    const server = listener.create(this.broker!);
    await listen(server, listener.port, this.config.mqttHost);
    this.servers.push(server);
  }

  /** Closes every connection (their channels get `tcpclean`, reason `closed by server`) and stops listening. */
  async close(): Promise<void> {
    this.stopping = true;
    await new Promise<void>((resolve) => (this.broker ? this.broker.close(() => resolve()) : resolve()));
    await Promise.all(
      this.servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
    );
  }

  /** CloseConnection: closes the client's live connection; its channel gets `tcpclean`, `closed by server`. */
  async closeConnection(clientId: string): Promise<boolean> {
    const client = this.liveClient(clientId);
    if (!client) return false;
    await close(client, 'closed by server');
    return true;
  }

  /**
   * The client connected again on another node at `time`: its connection here, if older, closes with
   * `clientId conflict`, as a takeover on this node does (SPEC §4). False when there was nothing to close.
   */
  async closeTakenOver(clientId: string, time: number): Promise<boolean> {
    const client = this.liveClient(clientId);
    const channel = client && channelOf(client);
    if (!client || !channel?.connected || channel.connectedAt! > time) return false;
    await close(client, 'clientId conflict');
    return true;
  }

  /** aedes keeps its connected clients by ID (not in its typings). */
  private liveClient(clientId: string): Client | undefined {
    return this.broker
      ? (this.broker as unknown as { clients: Record<string, Client> }).clients[clientId]
      : undefined;
  }

  private async admit(
    client: Client,
    username: string | undefined,
    password: Buffer | undefined,
    done: (error: AuthenticateError | null, success: boolean | null) => void,
  ) {
    const channel = openChannel(client);
    const admission = await admitClient(client.id, username, password, this.admission);
    if (!admission.admitted) {
      this.metrics.connectionRefused(admission.returnCode);
      this.logger.log(
        `refused CONNECT from ${channel.clientIp}: ${admission.reason} (CONNACK ${admission.returnCode})`,
      );
      if (admission.traceable) {
        const data = {
          clientId: client.id,
          clientIp: channel.clientIp,
          time: Date.now(),
          reason: admission.traceReason,
          detail: admission.reason,
        };
        this.recorder.record({ type: 'ClientConnectRefused', data });
      }
      return done(Object.assign(new Error(admission.reason), { returnCode: admission.returnCode }), false);
    }
    // MQTT 3.1.1 §3.1.4: the new connection takes over; the old channel closes with `clientId conflict`.
    const previous = this.liveClient(client.id);
    if (previous && previous !== client) markClosing(previous, 'clientId conflict');
    done(null, true);
  }

  private connected(client: Client): void {
    const channel = channelOf(client);
    if (!channel) return;
    channel.connected = true;
    channel.connectedAt = Date.now();
    this.metrics.connectionAccepted();
    this.emit('ClientConnected', client, channel, 'accepted');
  }

  private closed(client: Client): void {
    const channel = channelOf(client);
    if (!channel?.connected) return; // refused or dropped before CONNACK: no notification (SPEC §2)
    channel.connected = false;
    this.metrics.connectionClosed();
    if ((client as unknown as { _disconnected: boolean })._disconnected) {
      this.emit('ClientDisconnected', client, channel, 'disconnected by client');
      this.emit('ClientConnectionClosed', client, channel, 'disconnected by client');
      return;
    }
    const reason = channel.closeReason ?? (this.stopping ? 'closed by server' : 'closed by client');
    this.emit('ClientConnectionClosed', client, channel, reason);
  }

  private emit(type: PresenceEvent['type'], client: Client, channel: Channel, reason: PresenceReason): void {
    const data = {
      clientId: client.id,
      channelId: channel.channelId,
      clientIp: channel.clientIp,
      time: Date.now(),
      reason,
    };
    this.recorder.record({ type, data });
  }
}

/** Closes a client's connection from the server side; its channel gets tcpclean with `reason`. */
function close(client: Client, reason: PresenceReason): Promise<void> {
  markClosing(client, reason);
  return new Promise<void>((closed) =>
    (client as unknown as { close(done: () => void): void }).close(() => closed()),
  );
}

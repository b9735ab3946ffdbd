import type { Server, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { Aedes, type AuthenticateError, type Client, type ConnectPacket } from 'aedes';
import { APP_CONFIG, type AppConfig } from '#libs/platform';
import {
  CLIENT_ID_MAX_LENGTH,
  decideChannel,
  serverDisconnectCode,
  type BrokerObservation,
} from '#libs/presence';
import { PresenceMetrics } from '../metrics/presence-metrics.js';
import { PresenceRecorder } from '../recording/presence-recorder.js';
import { Channels } from './channel.js';
import { SERVER_UNAVAILABLE, admitClient, shown, stillAdmitted } from './client-admission.js';
import { ConnectRefusals } from './connect-refusals.js';
import { ConnectionGuard } from './connection-guard.js';
import { DeviceAccess } from './device-access.js';
import { watchForDisconnect } from './disconnect-watch.js';
import { listen, type ConnectionHandler, type Listener } from './listeners.js';

const NETWORK_ERRORS = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * The embedded aedes broker. It admits clients of registered groups and translates what aedes reports into
 * observations for the channel decider (libs/presence), whose events go to the recorder. Nothing here waits on
 * the store, and no callback lets an error escape: one peer's bytes cannot stop the broker.
 */
@Injectable()
export class MqttBroker implements ConnectionHandler {
  private readonly logger = new Logger('mqtt-broker');
  private broker: Aedes | undefined;
  private readonly servers: Server[] = [];
  private readonly channels = new Channels();
  private readonly refusals: ConnectRefusals;
  private readonly guard: ConnectionGuard;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly access: DeviceAccess,
    private readonly recorder: PresenceRecorder,
    private readonly metrics: PresenceMetrics,
  ) {
    const limits = config.mqttLimits;
    this.refusals = new ConnectRefusals(limits.refusalsTracedPerMinute, recorder, metrics, this.logger);
    this.guard = new ConnectionGuard(limits, (why) => metrics.connectionRefusedOnAccept(why));
  }

  get connectedClients(): number {
    return this.channels.liveCount;
  }

  /** Creates the broker; listeners are opened one by one (`listen`) so a taken port names its own variable. */
  async start(): Promise<void> {
    const limits = this.config.mqttLimits;
    const broker = await Aedes.createBroker({
      maximumPacketSize: limits.maxPacketSize,
      // MQTT 3.1 said 23 characters; our client IDs may have 64 (SPEC §2), as Mosquitto allows.
      maxClientsIdLength: CLIENT_ID_MAX_LENGTH,
      connectTimeout: limits.connectTimeoutMs,
      preConnect: (client, packet, done) =>
        this.guarded('preConnect', () => this.opened(client, packet), done),
      authenticate: (client, username, password, done) =>
        void this.admit(client, username, password).then(
          (error) => done(error, !error),
          (error: unknown) => {
            this.unexpected('authenticate', error);
            done(Object.assign(new Error('server unavailable'), { returnCode: SERVER_UNAVAILABLE }), false);
          },
        ),
      authorizePublish: (client, packet, done) => {
        const refusal = client && this.topicRefusal(client, 'publish', packet.topic);
        // aedes closes an MQTT 3.1.1 connection whose PUBLISH it refuses (a will of a closed one is only dropped).
        if (refusal && client.version < 5 && !client.closed) this.observe(client, { type: 'NotAuthorized' });
        done(refusal ? new Error(refusal) : null);
      },
      authorizeSubscribe: (client, subscription, done) => {
        done(null, this.topicRefusal(client, 'subscribe', subscription.topic) ? null : subscription);
      },
    });
    broker.on('connackSent', (packet, client) => {
      const code = (packet as { returnCode?: number; reasonCode?: number }).returnCode ?? packet.reasonCode;
      this.observe(client, { type: 'ConnackSent', accepted: code === 0 });
    });
    broker.on('keepaliveTimeout', (client) => this.observe(client, { type: 'KeepaliveExpired' }));
    broker.on('clientError', (client, error) => {
      if (NETWORK_ERRORS.has((error as NodeJS.ErrnoException).code ?? ''))
        this.observe(client, { type: 'NetworkError' });
    });
    broker.on('clientDisconnect', (client) => this.observe(client, { type: 'SocketClosed' }));
    // aedes reports its own failures (persistence, will messages) as 'error', which its typings leave out.
    (broker as NodeJS.EventEmitter).on('error', (error: unknown) => this.unexpected('aedes', error));
    this.access.onRevocation(() => this.closeRevoked());
    this.broker = broker;
  }

  /** The connection limits, on accept: false when the socket was refused (and destroyed). */
  admitSocket(socket: Socket): boolean {
    return this.guard.admit(socket, Date.now());
  }

  /** Hands one connection (a socket, or a WebSocket's stream) to aedes, watching for the client's DISCONNECT. */
  handle(stream: Duplex, request?: IncomingMessage): void {
    const client = this.broker!.handle(stream, request);
    watchForDisconnect(stream, (reasonCode) =>
      this.observe(client, { type: 'DisconnectReceived', ...(reasonCode !== undefined && { reasonCode }) }),
    );
  }

  async listen(listener: Listener): Promise<void> {
    const server = listener.create(this);
    await listen(server, listener.port, this.config.mqttHost);
    this.servers.push(server);
  }

  /** Closes every connection (their channels get `tcpclean`, reason `closed by server`) and stops listening. */
  async close(): Promise<void> {
    for (const client of this.channels.liveClients()) this.observe(client, { type: 'ShutdownStarted' });
    await new Promise<void>((resolve) => (this.broker ? this.broker.close(() => resolve()) : resolve()));
    await Promise.all(
      this.servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
    );
  }

  /** CloseConnection: closes the client's live connection; its channel gets `tcpclean`, `closed by server`. */
  async closeConnection(clientId: string): Promise<boolean> {
    const client = this.channels.liveClient(clientId);
    if (!client) return false;
    await this.end(client, 'ClosedByServer');
    return true;
  }

  /**
   * The client connected again on another node at `time`: its connection here, if older, closes with
   * `clientId conflict`, as a takeover on this node does (SPEC §4). False when there was nothing to close.
   */
  async closeTakenOver(clientId: string, time: number): Promise<boolean> {
    const client = this.channels.liveClient(clientId);
    const connectedAt = client && this.channels.of(client)?.connectedAt;
    if (!client || connectedAt === undefined || connectedAt > time) return false;
    await this.end(client, 'TakenOver');
    return true;
  }

  private opened(client: Client, packet: ConnectPacket): void {
    const keepaliveSeconds = packet.keepalive ?? 0;
    this.channels.open(client, { protocolVersion: packet.protocolVersion ?? 4, keepaliveSeconds });
    // Keepalive 0 turns MQTT's liveness check off: the operating system's TCP keepalive finds a vanished peer.
    const socket = (client.req?.socket ?? client.conn) as {
      setKeepAlive?(on: boolean, delayMs: number): void;
    };
    if (keepaliveSeconds === 0) socket.setKeepAlive?.(true, 60_000);
  }

  /** Resolves with the refusal to send in CONNACK, or null when the client is admitted. */
  private async admit(client: Client, username: string | undefined, password: Buffer | undefined) {
    const channel = this.channels.of(client);
    if (!channel) throw new Error('CONNECT without a channel');
    const connect = { clientId: client.id, username, password, keepaliveSeconds: channel.keepaliveSeconds };
    const admission = await admitClient(connect, this.access.admissionRules);
    if (!admission.admitted) {
      this.refusals.record(client.id, channel.clientIp, admission, Date.now());
      return Object.assign(new Error(admission.reason), {
        returnCode: admission.returnCode,
      }) as AuthenticateError;
    }
    const { groupId, deviceId, basis } = admission;
    channel.admission = { groupId, deviceId, username, basis };
    // MQTT 3.1.1 §3.1.4: the new connection takes over; aedes closes the old one (0x8E to an MQTT 5 client).
    const previous = this.channels.liveClient(client.id);
    if (previous && previous !== client) this.observe(previous, { type: 'TakenOver' });
    return null;
  }

  /** Closes the connections whose credentials, access key or group were revoked, with `closed by server`. */
  private closeRevoked(): void {
    for (const client of this.channels.liveClients()) {
      const admission = this.channels.of(client)?.admission;
      if (!admission) continue;
      const who = { clientId: client.id, groupId: admission.groupId, username: admission.username };
      if (stillAdmitted(admission.basis, who, this.access.revocationRules)) continue;
      this.logger.log(`closing ${client.id}: what admitted it (${admission.basis.kind}) was revoked`);
      void this.end(client, 'ClosedByServer');
    }
  }

  private end(client: Client, why: 'ClosedByServer' | 'TakenOver'): Promise<void> {
    this.observe(client, { type: why });
    const reasonCode = serverDisconnectCode(why)!;
    return new Promise<void>((closed) => client.disconnect({ reasonCode }, () => closed()));
  }

  private observe(client: Client, observation: BrokerObservation): void {
    const channel = this.channels.of(client);
    if (!channel) return;
    const { state, events } = decideChannel(channel.state, observation);
    channel.state = state;
    const time = Date.now();
    for (const { type, ...details } of events) {
      if (type === 'ClientConnected') {
        channel.connectedAt = time;
        this.channels.wentOnline(client);
        this.metrics.connectionAccepted();
      } else if (type === 'ClientConnectionClosed') {
        this.channels.wentOffline(client);
        this.metrics.connectionClosed();
      }
      const data = {
        clientId: client.id,
        channelId: channel.channelId,
        clientIp: channel.clientIp,
        time,
        ...details,
      };
      this.recorder.record({ type, data });
    }
  }

  /** Why the client may not publish or subscribe there; a check that fails refuses, never throws into aedes. */
  private topicRefusal(client: Client, action: 'publish' | 'subscribe', topic: string): string | undefined {
    const channel = this.channels.of(client);
    if (!channel?.admission) return 'not admitted';
    const requester = { clientId: client.id, ...channel, admission: channel.admission };
    try {
      return this.access.refuse(requester, action, topic);
    } catch (error) {
      this.unexpected(`authorize ${action}`, error);
      return 'refused: the check failed';
    }
  }

  private guarded(where: string, work: () => void, done: (error: Error | null, ok: boolean) => void): void {
    try {
      work();
      done(null, true);
    } catch (error) {
      this.unexpected(where, error);
      done(error as Error, false);
    }
  }

  private unexpected(where: string, error: unknown): void {
    this.metrics.unexpectedError(where);
    this.logger.error(`${where}: ${(error as Error)?.stack ?? shown(String(error))}`);
  }
}

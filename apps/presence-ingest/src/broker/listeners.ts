import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { createServer as createTlsServer } from 'node:tls';
import { WebSocketServer, createWebSocketStream } from 'ws';
import type { AppConfig } from '#libs/platform';

/** What a listener hands its connections to (the broker). */
export interface ConnectionHandler {
  /** The connection limits, on accept: false when the socket was refused (and destroyed). */
  admitSocket(socket: Socket): boolean;
  handle(stream: Duplex, request?: IncomingMessage): void;
}

/**
 * One way in for devices: plain MQTT, MQTT over TLS, MQTT over WebSocket; each on its own port. Every raw
 * connection meets the broker's guard first (connection limits), before TLS, HTTP or MQTT reads a byte of it.
 */
export interface Listener {
  name: string;
  /** The variable that sets its port, named when the port is taken. */
  variable: string;
  port: number;
  url: string;
  create(broker: ConnectionHandler): Server;
}

export function configuredListeners(config: AppConfig): Listener[] {
  const host = config.mqttHost;
  const { connectTimeoutMs, maxPacketSize } = config.mqttLimits;
  const listeners: Listener[] = [
    {
      name: 'mqtt',
      variable: 'MQTT_PORT',
      port: config.mqttPort,
      url: `mqtt://${host}:${config.mqttPort}`,
      create: (broker) =>
        createTcpServer().on('connection', (socket) => {
          if (broker.admitSocket(socket)) broker.handle(socket);
        }),
    },
  ];
  const tls = config.mqttTls;
  if (tls) {
    listeners.push({
      name: 'mqtts',
      variable: 'MQTT_TLS_PORT',
      port: tls.port,
      url: `mqtts://${host}:${tls.port}`,
      create: (broker) => {
        const options = { cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) };
        const server = createTlsServer({ ...options, handshakeTimeout: connectTimeoutMs });
        server.on('connection', (socket) => broker.admitSocket(socket));
        server.on('secureConnection', (socket) => broker.handle(socket));
        return server as unknown as Server;
      },
    });
  }
  if (config.mqttWsPort !== undefined) {
    listeners.push({
      name: 'ws',
      variable: 'MQTT_WS_PORT',
      port: config.mqttWsPort,
      url: `ws://${host}:${config.mqttWsPort}`,
      create: (broker) => {
        const server = createHttpServer({ requestTimeout: connectTimeoutMs });
        server.on('connection', (socket) => broker.admitSocket(socket));
        // A WebSocket message carries MQTT packets: none may be larger than the largest packet.
        const wss = new WebSocketServer({ server, maxPayload: maxPacketSize });
        // The HTTP request travels with the stream, so the client's address is known (see channel.ts).
        wss.on('connection', (socket, request) => broker.handle(createWebSocketStream(socket), request));
        return server as unknown as Server;
      },
    });
  }
  return listeners;
}

export function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

import { readFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createTcpServer, type Server } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import type { Aedes } from 'aedes';
import { WebSocketServer, createWebSocketStream } from 'ws';
import type { AppConfig } from '#libs/platform';

/** One way in for devices: plain MQTT, MQTT over TLS, MQTT over WebSocket; each on its own port. */
export interface Listener {
  name: string;
  /** The variable that sets its port, named when the port is taken. */
  variable: string;
  port: number;
  url: string;
  create(broker: Aedes): Server;
}

export function configuredListeners(config: AppConfig): Listener[] {
  const host = config.mqttHost;
  const listeners: Listener[] = [
    {
      name: 'mqtt',
      variable: 'MQTT_PORT',
      port: config.mqttPort,
      url: `mqtt://${host}:${config.mqttPort}`,
      create: (broker) => createTcpServer(broker.handle),
    },
  ];
  const tls = config.mqttTls;
  if (tls) {
    listeners.push({
      name: 'mqtts',
      variable: 'MQTT_TLS_PORT',
      port: tls.port,
      url: `mqtts://${host}:${tls.port}`,
      create: (broker) =>
        createTlsServer(
          { cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) },
          broker.handle,
        ) as unknown as Server,
    });
  }
  if (config.mqttWsPort !== undefined) {
    listeners.push({
      name: 'ws',
      variable: 'MQTT_WS_PORT',
      port: config.mqttWsPort,
      url: `ws://${host}:${config.mqttWsPort}`,
      create: (broker) => {
        const server = createHttpServer();
        const wss = new WebSocketServer({ server });
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

import { Transport, type ClientOptions, type MicroserviceOptions } from '@nestjs/microservices';

/**
 * Requests between apps (status, close a connection, replay) go over @nestjs/microservices. With TCP (the
 * default, nothing to install) there is no broker, so each app listens on its own port: BUS_URL's port for
 * rule-manager, +1 for presence-ingest, +2 for rocketmq-dispatch. With NATS all apps share the server.
 */
export const BUS_APPS = ['rule-manager', 'presence-ingest', 'rocketmq-dispatch'] as const;
export type BusApp = (typeof BUS_APPS)[number];

function tcpAddress(busUrl: string, app: BusApp): { host: string; port: number } {
  const url = new URL(busUrl);
  return { host: url.hostname, port: Number(url.port) + BUS_APPS.indexOf(app) };
}

export function describeBus(busUrl: string, app: BusApp): string {
  if (busUrl.startsWith('nats://')) return busUrl;
  const { host, port } = tcpAddress(busUrl, app);
  return `tcp://${host}:${port}`;
}

/** Where `app` listens for bus requests. */
export function busServerOptions(busUrl: string, app: BusApp): MicroserviceOptions {
  if (busUrl.startsWith('nats://')) {
    return { transport: Transport.NATS, options: { servers: [busUrl], queue: app } };
  }
  return { transport: Transport.TCP, options: tcpAddress(busUrl, app) };
}

/** How to reach `app` over the bus. */
export function busClientOptions(busUrl: string, app: BusApp): ClientOptions {
  if (busUrl.startsWith('nats://')) return { transport: Transport.NATS, options: { servers: [busUrl] } };
  return { transport: Transport.TCP, options: tcpAddress(busUrl, app) };
}

/** Message patterns, `<app>.<request>`: the contract between apps. */
export const BUS_PATTERNS = {
  status: (app: BusApp) => `${app}.status`,
  /** `{ clientId }` → `{ closed: boolean }`: presence-ingest closes the client's live connection. */
  closeConnection: 'presence-ingest.close-connection',
  /** `{ command: { type, data }, actor, correlationId? }` → `{ ok: true, … }` or `{ ok: false, problem }`. */
  controlPlaneCommand: 'rule-manager.command',
  /** `{}` → the control plane: rules, groups and RocketMQ instances as the API shows them. */
  controlPlane: 'rule-manager.control-plane',
  /** `{ ruleId }` → one rule, or `{ ok: false, problem }`. */
  rule: 'rule-manager.rule',
} as const;

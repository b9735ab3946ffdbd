import { readFileSync } from 'node:fs';
import { credsAuthenticator } from '@nats-io/transport-node';
import {
  ServerNats,
  ServerTCP,
  Transport,
  type ClientOptions,
  type MicroserviceOptions,
} from '@nestjs/microservices';
import { IdentitySerializer } from '@nestjs/microservices/serializers/identity.serializer.js';
import { NatsRecordSerializer } from '@nestjs/microservices/serializers/nats-record.serializer.js';
import { busSecret, guardBusServer, SealingSerializer, type BusSecretConfig } from './bus-guard.js';
import type { BusCaller } from './bus-proof.js';

/**
 * Requests between apps (status, close a connection, replay) go over @nestjs/microservices. With TCP (the
 * default, nothing to install) there is no broker, so each app listens on its own port: BUS_URL's port for
 * rule-manager, +1 for presence-ingest, +2 for rocketmq-dispatch. With NATS all apps share the server. On both,
 * every request proves BUS_SECRET (bus-guard.ts); on NATS the server's own credentials come from BUS_URL.
 */
export const BUS_APPS = ['rule-manager', 'presence-ingest', 'rocketmq-dispatch'] as const;
export type BusApp = (typeof BUS_APPS)[number];

function tcpAddress(busUrl: string, app: BusApp): { host: string; port: number } {
  const url = new URL(busUrl);
  return { host: url.hostname, port: Number(url.port) + BUS_APPS.indexOf(app) };
}

/** BUS_URL as logs and answers may show it: a NATS password or token replaced by `***`. */
export function redactedBusUrl(busUrl: string): string {
  return busUrl.replace(/^([a-z]+:\/\/)([^@/]*)@/i, (_, scheme: string, userinfo: string) => {
    const user = userinfo.includes(':') ? userinfo.slice(0, userinfo.indexOf(':')) : '';
    return `${scheme}${user ? `${user}:***` : '***'}@`;
  });
}

export function describeBus(busUrl: string, app: BusApp): string {
  if (busUrl.startsWith('nats://')) return redactedBusUrl(busUrl);
  const { host, port } = tcpAddress(busUrl, app);
  return `tcp://${host}:${port}`;
}

/**
 * The NATS server's own credentials, from BUS_URL: `nats://user:password@host:port`, `nats://token@host:port`, or
 * `nats://host:port?creds=/path/user.creds` (NKey and JWT); the server address is passed without them.
 */
function natsOptions(busUrl: string) {
  const url = new URL(busUrl);
  const [user, pass] = [decodeURIComponent(url.username), decodeURIComponent(url.password)];
  const creds = url.searchParams.get('creds');
  const auth = url.password ? { user, pass } : user ? { token: user } : {};
  return {
    servers: [`nats://${url.host}`],
    ...auth,
    ...(creds !== null && { authenticator: credsAuthenticator(readFileSync(creds)) }),
  };
}

/** Where `app` listens for bus requests, every handler behind the BUS_SECRET proof check (bus-guard.ts). */
export function busServerOptions(
  config: BusSecretConfig & { busUrl: string },
  app: BusApp,
): MicroserviceOptions {
  const server = config.busUrl.startsWith('nats://')
    ? new ServerNats({ ...natsOptions(config.busUrl), queue: app })
    : new ServerTCP(tcpAddress(config.busUrl, app));
  return { strategy: guardBusServer(server, busSecret(config)) };
}

/** Where `app` listens on TCP; none on NATS, where there is no port of ours to take. */
export function busPort(busUrl: string, app: BusApp): number | undefined {
  return busUrl.startsWith('nats://') ? undefined : tcpAddress(busUrl, app).port;
}

/** How `caller` reaches `app` over the bus: each request sealed with the caller's proof. */
export function busClientOptions(busUrl: string, app: BusApp, caller: BusCaller): ClientOptions {
  if (busUrl.startsWith('nats://')) {
    const serializer = new SealingSerializer(new NatsRecordSerializer(), caller);
    return { transport: Transport.NATS, options: { ...natsOptions(busUrl), serializer } };
  }
  const serializer = new SealingSerializer(new IdentitySerializer(), caller);
  return { transport: Transport.TCP, options: { ...tcpAddress(busUrl, app), serializer } };
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

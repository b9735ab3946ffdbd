import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import type { MessageHandler, Serializer, Server } from '@nestjs/microservices';
import { EMPTY, throwError } from 'rxjs';
import { loadOrCreateKeyFile } from '#libs/credentials';
import { BusProofs, sealRequest, type BusCaller } from './bus-proof.js';

/** Where the apps' bus secret comes from: BUS_SECRET, or a file generated in DATA_DIR for a single host. */
export interface BusSecretConfig {
  busSecret?: string;
  dataDir: string;
}

export function busSecretSource(config: BusSecretConfig): string {
  return config.busSecret ? 'BUS_SECRET' : join(config.dataDir, 'bus.secret');
}

export function busSecret(config: BusSecretConfig): Buffer {
  if (config.busSecret) return Buffer.from(config.busSecret, 'base64');
  return loadOrCreateKeyFile(busSecretSource(config));
}

/** The requests' proven callers, by body: a body is only here when its proof verified. */
const provenCallers = new WeakMap<object, string>();

/**
 * The caller a bus request's credentials prove, as the actor its events record: `bus:<name>`. A handler that is
 * not behind the guard has no proven caller, and refuses rather than guess.
 */
export function busActorOf(message: unknown): string {
  const caller = typeof message === 'object' && message !== null ? provenCallers.get(message) : undefined;
  if (caller === undefined) throw new Error('bus request without a proven caller');
  return `bus:${caller}`;
}

/** Refusals are logged once per reason per interval, with the count of those not logged, so a flood is a line. */
const LOG_INTERVAL_MS = 10_000;

/**
 * Puts every handler `server` registers behind the proof check, so no controller can forget it: a request
 * without a valid proof gets an error answer, its handler is not called, and one line names BUS_SECRET.
 */
export function guardBusServer<T extends Pick<Server, 'addHandler'>>(
  server: T,
  secret: Buffer,
  logger = new Logger('Bus'),
): T {
  const proofs = new BusProofs(secret);
  const lastLogged = new Map<string, { at: number; unlogged: number }>();
  const logRefusal = (pattern: string, refused: string, caller?: string) => {
    const last = lastLogged.get(refused);
    const now = Date.now();
    if (last && now - last.at < LOG_INTERVAL_MS) return void last.unlogged++;
    const more = last?.unlogged ? ` (and ${last.unlogged} more since the last such line)` : '';
    lastLogged.set(refused, { at: now, unlogged: 0 });
    logger.warn(
      `bus request ${pattern} refused: ${refused}${caller ? ` from "${caller}"` : ''}${more}; ` +
        'give every app and bus caller the same BUS_SECRET (or the same DATA_DIR, where bus.secret is generated)',
    );
  };
  const register = server.addHandler.bind(server);
  server.addHandler = (pattern: unknown, handler: MessageHandler, isEvent?: boolean, extras?: object) => {
    const route = typeof pattern === 'string' ? pattern : JSON.stringify(pattern);
    const guarded: MessageHandler = async (data, context) => {
      const verdict = proofs.check(route, data);
      if ('refused' in verdict) {
        logRefusal(route, verdict.refused, verdict.caller);
        const message = `bus request refused: ${verdict.refused}`;
        return isEvent ? EMPTY : throwError(() => ({ status: 'error', message }));
      }
      if (typeof verdict.body === 'object' && verdict.body !== null)
        provenCallers.set(verdict.body, verdict.caller);
      return handler(verdict.body, context);
    };
    register(pattern, guarded, isEvent, extras);
  };
  return server;
}

/** A client's serializer, sealing each request with the caller's proof before the transport's own encoding. */
export class SealingSerializer implements Serializer {
  constructor(
    private readonly inner: Serializer,
    private readonly caller: BusCaller,
  ) {}

  serialize(packet: { pattern: unknown; data: unknown }, options?: Record<string, any>) {
    if (typeof packet.pattern !== 'string') throw new Error('bus patterns are strings');
    return this.inner.serialize(
      { ...packet, data: sealRequest(this.caller, packet.pattern, packet.data) },
      options,
    );
  }
}

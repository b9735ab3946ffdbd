import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { ClientProxyFactory, type ClientProxy } from '@nestjs/microservices';
import { firstValueFrom, timeout } from 'rxjs';
import {
  APP_CONFIG,
  BUS_PATTERNS,
  busCaller,
  busClientOptions,
  busSecret,
  type AppConfig,
  type BusApp,
} from '#libs/platform';

const PEERS: BusApp[] = ['presence-ingest', 'rocketmq-dispatch'];

/** A bus error answer is a plain `{ status, message }`, not an Error. */
const busError = (error: unknown): Error =>
  error instanceof Error
    ? error
    : new Error(String((error as { message?: unknown } | null)?.message ?? error));

/** The other apps over the bus: their status (`unreachable` when they do not answer in time) and requests. */
@Injectable()
export class Peers implements OnModuleDestroy {
  private readonly clients: Map<BusApp, ClientProxy>;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const caller = busCaller(busSecret(config), 'rule-manager');
    this.clients = new Map(
      PEERS.map((app) => [app, ClientProxyFactory.create(busClientOptions(config.busUrl, app, caller))]),
    );
  }

  async ask(): Promise<Record<string, unknown>> {
    const answers = await Promise.all(
      [...this.clients].map(async ([app, client]) => {
        try {
          return [app, await firstValueFrom(client.send(BUS_PATTERNS.status(app), {}).pipe(timeout(1000)))];
        } catch (error) {
          const { message } = busError(error);
          // A peer holding another BUS_SECRET answers, but not to us: say so rather than "unreachable".
          return [
            app,
            message.startsWith('bus request refused')
              ? { status: 'refused', message }
              : { status: 'unreachable' },
          ];
        }
      }),
    );
    return Object.fromEntries(answers);
  }

  /** One request to a peer app over the bus; rejects when it does not answer in time. */
  request<T>(app: BusApp, pattern: string, payload: unknown, timeoutMs = 5_000): Promise<T> {
    const client = this.clients.get(app);
    if (!client) throw new Error(`${app} is not a peer of rule-manager`);
    return firstValueFrom(client.send<T>(pattern, payload).pipe(timeout(timeoutMs))).catch(
      (error: unknown) => {
        throw busError(error);
      },
    );
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([...this.clients.values()].map((client) => client.close()));
  }
}

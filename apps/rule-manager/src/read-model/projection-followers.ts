import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { ClientStatusProjection } from '#libs/client-status';
import { followProjection, type EventStore, type Following } from '#libs/event-store';
import { APP_CONFIG, EVENT_STORE, type AppConfig } from '#libs/platform';
import { DeliveryStatsProjection } from '../delivery-stats/delivery-stats.projection.js';

/**
 * Keeps the read models projected from the presence and delivery events current, here beside the API that reads
 * them and away from the broker's event loop in presence-ingest (which only catches the client status up when it
 * starts): the clients' status, and the delivery counters and dead letters.
 */
@Injectable()
export class ProjectionFollowers implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('projections');
  private following: Following[] = [];

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const projections = [
      ['client status', new ClientStatusProjection(this.store)],
      ['delivery counters', new DeliveryStatsProjection(this.store, this.config.instanceId)],
    ] as const;
    this.following = projections.map(([what, projection]) =>
      followProjection(this.store, projection, {
        onError: (error) => this.logger.error(`${what} update failed, retrying: ${String(error)}`),
      }),
    );
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all(this.following.map((following) => following.stop()));
  }
}

import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { followProjection, type EventStore, type Following } from '#libs/event-store';
import { APP_CONFIG, EVENT_STORE, type AppConfig } from '#libs/platform';
import { DeliveryStatsProjection } from './delivery-stats.projection.js';

/** Keeps the delivery counters and dead letters current, beside the API that reads them. */
@Injectable()
export class DeliveryStatsFollower implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('delivery-stats');
  private following: Following | undefined;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const projection = new DeliveryStatsProjection(this.store, this.config.instanceId);
    this.following = followProjection(projection, this.store, {
      onError: (error) => this.logger.error(`delivery counters update failed, retrying: ${String(error)}`),
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.following?.stop();
  }
}

import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { ClientStatusProjection } from '#libs/client-status';
import { followProjection, type EventStore, type Following } from '#libs/event-store';
import { EVENT_STORE } from '#libs/platform';

/**
 * Keeps the client status read model current here, beside the API that reads it, and away from the broker's
 * event loop in presence-ingest (which only catches it up when it starts).
 */
@Injectable()
export class ClientStatusFollower implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('client-status');
  private following: Following | undefined;

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  onApplicationBootstrap(): void {
    this.following = followProjection(new ClientStatusProjection(this.store), this.store, {
      onError: (error) => this.logger.error(`client status update failed, retrying: ${String(error)}`),
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.following?.stop();
  }
}

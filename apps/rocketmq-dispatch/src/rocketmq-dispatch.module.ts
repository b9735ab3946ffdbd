import { Module, type DynamicModule } from '@nestjs/common';
import type { EventStore } from '#libs/event-store';
import { APP_CONFIG, AppMetrics, EVENT_STORE, type AppConfig } from '#libs/platform';
import { Delivery } from './delivery/delivery.js';
import { NotificationSender } from './delivery/notification-sender.js';
import { OutcomeRecorder } from './delivery/outcome-recorder.js';
import { PartitionLeases } from './partitions/partition-leases.js';
import { StatusBusController } from './status.bus.controller.js';
import { DispatchMetrics } from './metrics/dispatch-metrics.js';

@Module({})
export class RocketmqDispatchModule {
  static create(config: AppConfig, store: EventStore): DynamicModule {
    return {
      module: RocketmqDispatchModule,
      controllers: [StatusBusController],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: EVENT_STORE, useValue: store },
        { provide: AppMetrics, useFactory: () => new AppMetrics() },
        DispatchMetrics,
        NotificationSender,
        OutcomeRecorder,
        Delivery,
        PartitionLeases,
      ],
    };
  }
}

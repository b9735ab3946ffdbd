import { Controller, Inject } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import type { EventStore } from '#libs/event-store';
import { DISPATCH_CHECKPOINT } from '#libs/notifications';
import { appIdentity, BUS_PATTERNS, EVENT_STORE } from '#libs/platform';
import { Delivery } from './delivery/delivery.js';
import { DispatchMetrics } from './metrics/dispatch-metrics.js';

@Controller()
export class StatusBusController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly delivery: Delivery,
    private readonly metrics: DispatchMetrics,
  ) {}

  /**
   * How far this dispatcher's forwarding is behind the log: positions not yet handled in the partitions it
   * delivers (the shared checkpoint moves only while one dispatcher holds them all), how old its oldest unsettled
   * notification is, and its send latency over the last minute.
   */
  @MessagePattern(BUS_PATTERNS.status('rocketmq-dispatch'))
  async status() {
    const [head, stored] = await Promise.all([
      this.store.headPosition(),
      this.store.loadCheckpoint(DISPATCH_CHECKPOINT),
    ]);
    const checkpoint = this.delivery.checkpoint ?? stored;
    return {
      status: 'ok',
      ...appIdentity(),
      headPosition: head,
      checkpoint,
      behind: head - checkpoint,
      lagSeconds: this.metrics.lagSeconds(),
      latency: this.metrics.recentDurations(),
    };
  }
}

import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EventStore } from '#libs/event-store';
import { APP_CONFIG, EVENT_STORE, type AppConfig } from '#libs/platform';
import { DispatchMetrics } from '../metrics/dispatch-metrics.js';
import { DeliveryRun, type DeliveryParts, type DeliveryScope } from './delivery-run.js';
import { NotificationSender } from './notification-sender.js';
import { OutcomeRecorder } from './outcome-recorder.js';

export type { DeliveryScope } from './delivery-run.js';

/**
 * Forwards presence events to RocketMQ for the partitions this dispatcher holds: PartitionLeases starts a run
 * (delivery-run.ts) over them and stops it when they change.
 */
@Injectable()
export class Delivery {
  private readonly parts: DeliveryParts;
  private run: DeliveryRun | undefined;

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(APP_CONFIG) config: AppConfig,
    sender: NotificationSender,
    outcomes: OutcomeRecorder,
    metrics: DispatchMetrics,
  ) {
    this.parts = { store, config, sender, outcomes, metrics, logger: new Logger('delivery') };
  }

  /** Everything of the run's partitions at or below it is settled; undefined before the first run. */
  get checkpoint(): number | undefined {
    return this.run?.settledUpTo;
  }

  async start(scope: DeliveryScope): Promise<void> {
    const run = await DeliveryRun.start(this.parts, scope);
    this.run = run;
    const { partitions } = this.parts.config.dispatch;
    const settled = run.alreadySettled;
    this.parts.logger.log(
      `forwarding presence events of ${describePartitions(scope.owned, partitions)} from position ` +
        `${run.settledUpTo}` +
        (settled > 0 ? ` (${settled} already delivered there)` : ''),
    );
  }

  /** Lets the sends in flight finish and stores their outcomes and the checkpoint. */
  async stop(): Promise<void> {
    await this.run?.stop();
  }
}

function describePartitions(owned: ReadonlySet<number>, partitions: number): string {
  if (owned.size === partitions) return `all ${partitions} partitions`;
  return `partitions ${[...owned].sort((a, b) => a - b).join(',')} of ${partitions}`;
}

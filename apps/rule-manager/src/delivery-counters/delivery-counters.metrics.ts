import { Inject, Injectable } from '@nestjs/common';
import type { Documents } from '#libs/event-store';
import { pendingOf } from '#libs/notifications';
import { AppMetrics, EVENT_STORE } from '#libs/platform';
import { allDeliveryCounters } from '../delivery-stats/delivery-stats.queries.js';

/**
 * The per-rule delivery counters on rule-manager's /metrics, read from the projection at each scrape (one
 * document per rule): `msr_delivery_notifications{rule_id, state}` with state matched, forwarded, dead_lettered,
 * pending (they add up), and the replayed / redriven ones beside them.
 */
@Injectable()
export class DeliveryCountersMetrics {
  constructor(@Inject(EVENT_STORE) readModels: Documents, metrics: AppMetrics) {
    metrics.gauge({
      name: 'delivery_notifications',
      help: 'Notifications per rule by state, from the delivery counters: matched = forwarded + dead_lettered + pending',
      labelNames: ['rule_id', 'state'],
      async collect() {
        this.reset();
        for (const counters of await allDeliveryCounters(readModels)) {
          const states = {
            matched: counters.matched,
            forwarded: counters.forwarded,
            dead_lettered: counters.deadLettered,
            pending: pendingOf(counters),
            failed_attempts: counters.failedAttempts,
            redriven: counters.redriven,
            replayed: counters.replayed,
            replay_forwarded: counters.replayForwarded,
            replay_dead_lettered: counters.replayDeadLettered,
          };
          for (const [state, value] of Object.entries(states))
            this.set({ rule_id: counters.ruleId, state }, value);
        }
      },
    });
  }
}

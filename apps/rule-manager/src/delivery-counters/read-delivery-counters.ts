import type { QueryBus } from '@nestjs/cqrs';
import type { Documents } from '#libs/event-store';
import { emptyDeliveryCounters, pendingOf } from '#libs/notifications';
import { existingRule } from '#libs/rules';
import { deliveryCountersOf } from '../delivery-stats/delivery-stats.queries.js';
import { ReadControlPlane } from '../read-model/read-control-plane.query.js';

/** A rule's delivery counters: matched = forwarded + deadLettered + pending, and sends per minute. */
export async function readDeliveryCounters(readModels: Documents, queryBus: QueryBus, ruleId: string) {
  const stored = await deliveryCountersOf(readModels, ruleId);
  // A deleted rule keeps its counters; a rule that never matched anything has zeros.
  if (!stored) existingRule(await queryBus.execute(new ReadControlPlane()), ruleId);
  const counters = stored ?? emptyDeliveryCounters(ruleId);
  const { perMinute, ...totals } = counters;
  return {
    ...totals,
    pending: pendingOf(counters),
    perMinute: Object.entries(perMinute)
      .map(([minute, sends]) => ({ minute: Number(minute), ...sends }))
      .sort((a, b) => a.minute - b.minute)
      .map(({ minute, ...sends }) => ({ minute: new Date(minute).toISOString(), ...sends })),
  };
}

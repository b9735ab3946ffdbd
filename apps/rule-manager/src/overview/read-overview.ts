import { Inject, Injectable } from '@nestjs/common';
import { presenceOverviewOf, recentMinutes } from '#libs/client-status';
import type { Documents } from '#libs/event-store';
import { pendingOf } from '#libs/notifications';
import { appIdentity, EVENT_STORE, type BusApp } from '#libs/platform';
import * as z from 'zod';
import { allDeliveryCounters } from '../delivery-stats/delivery-stats.queries.js';
import { Peers } from '../health/peers.js';
import type { AppHealth, Overview } from './overview.schema.js';

const TOP_GROUPS = 10;
const MINUTES_SHOWN = 30;

/** What the overview takes from a peer's status answer; a peer of an older release may lack some of it. */
const PEER_STATUS = z.object({
  status: z.literal('ok'),
  version: z.string().optional(),
  startedAt: z.string().optional(),
  uptimeSeconds: z.number().optional(),
});
const DURATIONS = z.object({
  count: z.number(),
  p50Ms: z.number().nullable(),
  p95Ms: z.number().nullable(),
});
const DISPATCH_STATUS = PEER_STATUS.extend({
  behind: z.number(),
  lagSeconds: z.number().default(0),
  latency: z
    .object({ send: DURATIONS, delivery: DURATIONS })
    .default({ send: unmeasured(), delivery: unmeasured() }),
});

function unmeasured() {
  return { count: 0, p50Ms: null, p95Ms: null };
}

function healthOf(app: BusApp, answer: unknown): AppHealth {
  const parsed = PEER_STATUS.safeParse(answer);
  return parsed.success ? { app, ...parsed.data } : { app, status: 'unreachable' };
}

/**
 * The overview: read models through their typed queries, the peers' status over the bus. A peer that does not
 * answer is shown `unreachable`; the rest of the overview is still answered.
 */
@Injectable()
export class ReadOverview {
  constructor(
    @Inject(EVENT_STORE) private readonly readModels: Documents,
    private readonly peers: Peers,
  ) {}

  async read(now = Date.now()): Promise<Overview> {
    const [presence, counters, peers] = await Promise.all([
      presenceOverviewOf(this.readModels, TOP_GROUPS),
      allDeliveryCounters(this.readModels),
      this.peers.ask(),
    ]);
    const dispatch = DISPATCH_STATUS.safeParse(peers['rocketmq-dispatch']);
    return {
      at: new Date(now).toISOString(),
      clients: {
        online: presence.totals.online,
        groupsOnline: presence.groupsOnline,
        topGroups: presence.topGroups.map(({ groupId, online }) => ({ groupId, online })),
      },
      presence: {
        perMinute: recentMinutes(presence.totals, now, MINUTES_SHOWN).map(({ minute, ...tally }) => ({
          minute: new Date(minute).toISOString(),
          ...tally,
        })),
      },
      delivery: {
        forwarded: sum(counters.map((rule) => rule.forwarded)),
        pending: sum(counters.map(pendingOf)),
        deadLettered: sum(counters.map((rule) => rule.deadLettered)),
        failedAttempts: sum(counters.map((rule) => rule.failedAttempts)),
        rulesWithDeadLetters: counters
          .filter((rule) => rule.deadLettered > 0)
          .map(({ ruleId, deadLettered }) => ({ ruleId, deadLettered })),
      },
      dispatch: dispatch.success
        ? {
            lagEvents: Math.max(0, dispatch.data.behind),
            lagSeconds: dispatch.data.lagSeconds,
            sendLatency: dispatch.data.latency.send,
            deliveryLatency: dispatch.data.latency.delivery,
          }
        : null,
      apps: [
        { app: 'rule-manager', status: 'ok', ...appIdentity() },
        healthOf('presence-ingest', peers['presence-ingest']),
        healthOf('rocketmq-dispatch', peers['rocketmq-dispatch']),
      ],
    };
  }
}

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

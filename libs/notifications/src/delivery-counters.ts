import type { DeliveryOutcome } from './notification.events.js';
import type { RedriveRequestedData, ReplayRequestedData } from './redelivery.events.js';

/**
 * A rule's delivery counters. They add up: every notification the rule matched is forwarded, dead-lettered or
 * pending (`matched = forwarded + deadLettered + pending`). A redrive moves a dead letter back to pending; a
 * replay sends copies, counted apart so the identity holds.
 */
export interface DeliveryCounters {
  [key: string]: unknown;
  ruleId: string;
  matched: number;
  forwarded: number;
  deadLettered: number;
  /** Failed attempts, retried or not. */
  failedAttempts: number;
  redriven: number;
  /** Notifications selected by replays, and how those ended. */
  replayed: number;
  replayForwarded: number;
  replayDeadLettered: number;
  /** Forwarded and failed sends per minute (the minute's start in ms), the last MINUTES_KEPT minutes. */
  perMinute: Record<string, { forwarded: number; failed: number }>;
}

export const MINUTES_KEPT = 60;
const MINUTE = 60_000;

/** What changes the counters, with the time it was recorded (for the per-minute series). */
export type DeliveryFact = { at: number } & (
  | { type: 'NotificationMatched' }
  | DeliveryOutcome
  | { type: 'ReplayRequested'; data: ReplayRequestedData }
  | { type: 'RedriveRequested'; data: RedriveRequestedData }
);

export function emptyDeliveryCounters(ruleId: string): DeliveryCounters {
  return {
    ruleId,
    matched: 0,
    forwarded: 0,
    deadLettered: 0,
    failedAttempts: 0,
    redriven: 0,
    replayed: 0,
    replayForwarded: 0,
    replayDeadLettered: 0,
    perMinute: {},
  };
}

export function evolveDeliveryCounters(counters: DeliveryCounters, fact: DeliveryFact): DeliveryCounters {
  switch (fact.type) {
    case 'NotificationMatched':
      return { ...counters, matched: counters.matched + 1 };
    case 'ReplayRequested':
      return { ...counters, replayed: counters.replayed + fact.data.notifications };
    case 'RedriveRequested':
      return { ...counters, deadLettered: counters.deadLettered - 1, redriven: counters.redriven + 1 };
    case 'NotificationFailed':
      return tally({ ...counters, failedAttempts: counters.failedAttempts + 1 }, fact.at, 'failed');
    case 'NotificationForwarded': {
      const replay = fact.data.resend?.kind === 'replay';
      const next = replay
        ? { ...counters, replayForwarded: counters.replayForwarded + 1 }
        : { ...counters, forwarded: counters.forwarded + 1 };
      return tally(next, fact.at, 'forwarded');
    }
    case 'NotificationDeadLettered':
      return fact.data.resend?.kind === 'replay'
        ? { ...counters, replayDeadLettered: counters.replayDeadLettered + 1 }
        : { ...counters, deadLettered: counters.deadLettered + 1 };
  }
}

export function pendingOf(counters: DeliveryCounters): number {
  return counters.matched - counters.forwarded - counters.deadLettered;
}

/** Counts a send in its minute and forgets minutes older than the newest kept one allows. */
function tally(counters: DeliveryCounters, at: number, what: 'forwarded' | 'failed'): DeliveryCounters {
  const minute = String(at - (at % MINUTE));
  const current = counters.perMinute[minute] ?? { forwarded: 0, failed: 0 };
  const perMinute = { ...counters.perMinute, [minute]: { ...current, [what]: current[what] + 1 } };
  const oldestKept = Math.max(...Object.keys(perMinute).map(Number)) - (MINUTES_KEPT - 1) * MINUTE;
  for (const key of Object.keys(perMinute)) if (Number(key) < oldestKept) delete perMinute[key];
  return { ...counters, perMinute };
}

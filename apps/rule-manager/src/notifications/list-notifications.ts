import type { EventLog } from '#libs/event-store';
import { deliveryStream, notificationLog, type RecordedOutcome } from '#libs/notifications';
import * as z from 'zod';
import { RULE_ID_PATTERN } from '#libs/rules';
import { count, filterParam, matchingParam, parseParams, time } from '../http/query-params.js';

const MAX_LIMIT = 1_000;
export const NOTIFICATIONS_QUERY = z.object({
  ruleId: matchingParam(
    RULE_ID_PATTERN,
    'pattern',
    'ruleId is required: the rule whose notifications to list',
    true,
  ),
  from: time(0),
  to: time(Number.MAX_SAFE_INTEGER),
  limit: count(100, MAX_LIMIT),
  clientId: filterParam,
});

/** The delivery log of a rule: each notification with its event, rule version, message ID, attempts and outcome. */
export async function listNotifications(store: EventLog, query: unknown) {
  const { ruleId, clientId, from: since, to: until, limit: size } = parseParams(NOTIFICATIONS_QUERY, query);
  const stored = await store.readStream(deliveryStream(ruleId));
  const outcomes = stored.map(
    (event) =>
      ({ type: event.type, data: event.data, recordedAt: event.metadata.occurredAt }) as RecordedOutcome,
  );
  const matching = notificationLog(outcomes).filter(
    (record) =>
      (clientId === undefined || record.clientId === clientId) &&
      record.eventTime >= since &&
      record.eventTime <= until,
  );
  // The newest `limit`, oldest first.
  const items = matching.slice(-size).map((record) => ({
    ...record,
    eventTime: new Date(record.eventTime).toISOString(),
    lastAttemptAt: new Date(record.lastAttemptAt).toISOString(),
  }));
  return { ruleId, items, total: matching.length };
}

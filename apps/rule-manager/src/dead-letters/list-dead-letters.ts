import type { Documents } from '#libs/event-store';
import * as z from 'zod';
import { RULE_ID_PATTERN } from '#libs/rules';
import type { DeadLetterDocument } from '../delivery-stats/delivery-stats.projection.js';
import { deadLettersOf } from '../delivery-stats/delivery-stats.queries.js';
import { count, matchingParam, parseParams } from '../http/query-params.js';

const MAX_LIMIT = 1_000;
export const DEAD_LETTERS_QUERY = z.object({
  ruleId: matchingParam(
    RULE_ID_PATTERN,
    'pattern',
    (ruleId) => `${String(ruleId)} is not a rule ID`,
  ).optional(),
  limit: count(100, MAX_LIMIT),
});

function representation(deadLetter: DeadLetterDocument) {
  const { redrive, eventTime, deadLetteredAt, ...rest } = deadLetter;
  return {
    ...rest,
    eventTime: new Date(eventTime).toISOString(),
    deadLetteredAt: new Date(deadLetteredAt).toISOString(),
    ...(redrive && { redrive: { ...redrive, requestedAt: new Date(redrive.requestedAt).toISOString() } }),
  };
}

/** Dead letters (a rule's only with ruleId), the newest `limit`, oldest first. */
export async function listDeadLetters(store: Documents, query: unknown) {
  const { ruleId, limit: size } = parseParams(DEAD_LETTERS_QUERY, query);
  const deadLetters = await deadLettersOf(store, ruleId);
  return { items: deadLetters.slice(-size).map(representation), total: deadLetters.length };
}

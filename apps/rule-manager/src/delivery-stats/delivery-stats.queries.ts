import type { Documents } from '#libs/event-store';
import type { DeliveryCounters } from '#libs/notifications';
import { DELIVERY_STATS_COLLECTIONS, type DeadLetterDocument } from './delivery-stats.projection.js';

const { counters: COUNTERS, deadLetters: DEAD_LETTERS } = DELIVERY_STATS_COLLECTIONS;

/** A rule's counters; absent when nothing of the rule was ever counted. */
export async function deliveryCountersOf(
  documents: Documents,
  ruleId: string,
): Promise<DeliveryCounters | undefined> {
  const [stored] = await documents.readDocumentsById(COUNTERS, [ruleId]);
  return stored?.document as DeliveryCounters | undefined;
}

/** Every rule's counters, deleted rules' included. */
export async function allDeliveryCounters(documents: Documents): Promise<DeliveryCounters[]> {
  const stored = await documents.readDocuments(COUNTERS);
  return stored.map(({ document }) => document as DeliveryCounters);
}

/** The dead letters of one rule, or of all rules, oldest first. */
export async function deadLettersOf(documents: Documents, ruleId?: string): Promise<DeadLetterDocument[]> {
  // Their IDs start with the rule ID: a rule's dead letters are one range of the key. The IDs are not in time
  // order, so the range is read whole (dead letters are an exception to fix, not a stream).
  const stored = await documents.readDocuments(
    DEAD_LETTERS,
    ruleId === undefined ? {} : { idPrefix: `${ruleId}:` },
  );
  return stored
    .map(({ document }) => document as unknown as DeadLetterDocument)
    .sort((a, b) => a.deadLetteredAt - b.deadLetteredAt);
}

export async function deadLetterOf(
  documents: Documents,
  deadLetterId: string,
): Promise<DeadLetterDocument | undefined> {
  const [stored] = await documents.readDocumentsById(DEAD_LETTERS, [deadLetterId]);
  return stored?.document as unknown as DeadLetterDocument | undefined;
}

import * as z from 'zod';

/**
 * The bodies of the bus requests between apps, described once: the receiver parses them with these schemas and
 * the sender's payload type comes from them. A malformed request is answered as it always was, not refused.
 */

/** presence-ingest closes the client's live connection; a missing client ID closes nothing. */
export const CLOSE_CONNECTION_MESSAGE = z.object({ clientId: z.string().catch('') }).catch({ clientId: '' });
export type CloseConnectionMessage = z.input<typeof CLOSE_CONNECTION_MESSAGE>;

/** rule-manager answers one rule; a missing ID is looked up as it is written and so answers RULE_NOT_FOUND. */
export const RULE_QUERY_MESSAGE = z
  .object({ ruleId: z.unknown().transform(String) })
  .catch({ ruleId: String(undefined) });
export type RuleQueryMessage = z.input<typeof RULE_QUERY_MESSAGE>;

import * as z from 'zod';
import { RULE_STATUSES, type ControlPlaneState, type Rule } from '#libs/rules';
import { count, filterParam, oneOfParam, parseParams } from '../http/query-params.js';
import { ruleRepresentation } from '../http/representations.js';

/** `page` from 1, `pageSize` 1–100 (default 20), as the original console pages its rule list. */
export const LIST_RULES_QUERY = z.object({
  page: count(1, Number.MAX_SAFE_INTEGER),
  pageSize: count(20, 100),
  status: oneOfParam(RULE_STATUSES, 'must be ENABLED or DISABLED').optional(),
  groupId: filterParam,
  instanceId: filterParam,
});

/** Filters by source group, status and target instance; sorted by rule ID. */
export function listRules(state: ControlPlaneState, given: unknown) {
  const { page, pageSize, ...query } = parseParams(LIST_RULES_QUERY, given);
  const matches = (rule: Rule) =>
    (query.groupId === undefined || rule.source.groupId === query.groupId) &&
    (query.status === undefined || rule.status === query.status) &&
    (query.instanceId === undefined || rule.target.instanceId === query.instanceId);
  const rules = Object.values(state.rules)
    .filter(matches)
    .sort((a, b) => a.ruleId.localeCompare(b.ruleId));
  const items = rules.slice((page - 1) * pageSize, page * pageSize).map(ruleRepresentation);
  return { items, total: rules.length, page, pageSize };
}

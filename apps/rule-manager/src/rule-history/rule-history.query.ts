import { ruleHistory, RulesError } from '#libs/rules';
import type { ControlPlaneRepository } from '../control-plane/control-plane.repository.js';
import { historyRepresentation } from '../http/representations.js';

/** Every event of the rule (both lives of a reused rule ID) with actor, time, correlation ID and changes. */
export async function readRuleHistory(repository: ControlPlaneRepository, ruleId: string) {
  const entries = ruleHistory(await repository.audited(), ruleId);
  if (entries.length === 0)
    throw RulesError.of('RULE_NOT_FOUND', 'ruleId', 'exists', `rule ${ruleId} never existed`);
  return { ruleId, items: entries.map(historyRepresentation) };
}

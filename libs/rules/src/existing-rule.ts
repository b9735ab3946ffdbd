import type { ControlPlaneState, Rule } from './control-plane.state.js';
import { RulesError } from './rules.errors.js';

/** The rule a command acts on, at a version the caller last saw (its `If-Match`), or a refusal. */
export function existingRule(
  state: ControlPlaneState,
  ruleId: string,
  expectedVersions?: readonly number[],
): Rule {
  const rule = Object.hasOwn(state.rules, ruleId) ? state.rules[ruleId] : undefined;
  if (!rule) throw RulesError.of('RULE_NOT_FOUND', 'ruleId', 'exists', `rule ${ruleId} does not exist`);
  if (expectedVersions !== undefined && !expectedVersions.includes(rule.version)) {
    const named =
      expectedVersions.length > 0 ? `not ${expectedVersions.join(' or ')}` : 'which If-Match does not name';
    throw RulesError.of(
      'RULE_VERSION_MISMATCH',
      'If-Match',
      'current-version',
      `rule ${ruleId} is at version ${rule.version}, ${named}: read it again and retry`,
    );
  }
  return rule;
}

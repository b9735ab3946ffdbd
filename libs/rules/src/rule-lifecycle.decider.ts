import type {
  ControlPlaneContext,
  DeleteRule,
  DisableRule,
  EnableRule,
  UpdateRule,
} from './control-plane.commands.js';
import type { RuleDeleted, RuleDisabled, RuleEnabled, RuleUpdated } from './control-plane.events.js';
import type { ControlPlaneState } from './control-plane.state.js';
import { checkRulePlacement } from './create-rule.decider.js';
import { existingRule } from './existing-rule.js';
import { parseRuleInput } from './rule-input.js';
import { RulesError } from './rules.errors.js';

/** Everything but the rule ID may change; every create-time check runs again, the rule itself excluded. */
export function updateRule(
  command: UpdateRule,
  state: ControlPlaneState,
  context: ControlPlaneContext,
): RuleUpdated[] {
  const rule = existingRule(state, command.data.ruleId, command.data.expectedVersions);
  const input = command.data.input;
  const withId =
    typeof input === 'object' && input !== null && !Array.isArray(input)
      ? { ruleId: rule.ruleId, ...input }
      : input;
  const definition = parseRuleInput(withId);
  if (definition.ruleId !== rule.ruleId) {
    throw RulesError.of(
      'VALIDATION_FAILED',
      'ruleId',
      'immutable',
      `the rule ID never changes (${rule.ruleId})`,
    );
  }
  checkRulePlacement(definition, state, context);
  return [{ type: 'RuleUpdated', data: definition }];
}

/** Enabling an enabled rule changes nothing and records nothing (so does disabling a disabled one). */
export function enableRule(command: EnableRule, state: ControlPlaneState): RuleEnabled[] {
  const rule = existingRule(state, command.data.ruleId, command.data.expectedVersions);
  return rule.status === 'ENABLED' ? [] : [{ type: 'RuleEnabled', data: { ruleId: rule.ruleId } }];
}

export function disableRule(command: DisableRule, state: ControlPlaneState): RuleDisabled[] {
  const rule = existingRule(state, command.data.ruleId, command.data.expectedVersions);
  return rule.status === 'DISABLED' ? [] : [{ type: 'RuleDisabled', data: { ruleId: rule.ruleId } }];
}

export function deleteRule(command: DeleteRule, state: ControlPlaneState): RuleDeleted[] {
  const rule = existingRule(state, command.data.ruleId, command.data.expectedVersions);
  return [{ type: 'RuleDeleted', data: { ruleId: rule.ruleId } }];
}

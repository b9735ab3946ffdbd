import type { ControlPlaneContext, CreateRule } from './control-plane.commands.js';
import type { RuleCreated, RuleDefinition } from './control-plane.events.js';
import { ruleForGroup, type ControlPlaneState } from './control-plane.state.js';
import { parseRuleInput } from './rule-input.js';
import { RulesError } from './rules.errors.js';

export function createRule(
  command: CreateRule,
  state: ControlPlaneState,
  context: ControlPlaneContext,
): RuleCreated[] {
  const rule = parseRuleInput(command.data.input);
  if (Object.hasOwn(state.rules, rule.ruleId)) {
    throw RulesError.of('RULE_ID_TAKEN', 'ruleId', 'unique', `rule ${rule.ruleId} already exists`);
  }
  checkRulePlacement(rule, state, context);
  return [{ type: 'RuleCreated', data: rule }];
}

/**
 * The checks SPEC §3 runs on create and on every edit (the rule itself excluded): the instance's rule limit,
 * one rule per group, and a source group and a destination that exist, in this MQTT instance's region.
 */
export function checkRulePlacement(
  rule: RuleDefinition,
  state: ControlPlaneState,
  context: ControlPlaneContext,
): void {
  const others = Object.values(state.rules).filter((other) => other.ruleId !== rule.ruleId);
  if (others.length >= context.maxRulesPerInstance) {
    throw RulesError.of(
      'RULE_LIMIT_REACHED',
      'ruleId',
      'limit',
      `MQTT instance ${context.mqttInstanceId} already has ${others.length} rules, the most it may have (disabled rules count)`,
    );
  }
  const groupRule = ruleForGroup(state, rule.source.groupId);
  if (groupRule && groupRule.ruleId !== rule.ruleId) {
    throw RulesError.of(
      'GROUP_ALREADY_HAS_RULE',
      'source.groupId',
      'one-rule-per-group',
      `group ${rule.source.groupId} already has a client status notification rule: ${groupRule.ruleId} (disabled rules count)`,
    );
  }
  if (!Object.hasOwn(state.groups, rule.source.groupId)) {
    throw RulesError.of(
      'SOURCE_GROUP_NOT_FOUND',
      'source.groupId',
      'exists',
      `group ${rule.source.groupId} is not registered`,
    );
  }
  const instance = Object.hasOwn(state.rocketmqInstances, rule.target.instanceId)
    ? state.rocketmqInstances[rule.target.instanceId]
    : undefined;
  if (!instance) {
    throw RulesError.of(
      'TARGET_INSTANCE_NOT_FOUND',
      'target.instanceId',
      'exists',
      `RocketMQ instance ${rule.target.instanceId} is not registered`,
    );
  }
  if (instance.region !== context.region) {
    throw RulesError.of(
      'REGION_MISMATCH',
      'target.instanceId',
      'same-region',
      `RocketMQ instance ${instance.instanceId} is in region ${instance.region}, this MQTT instance is in ${context.region}`,
    );
  }
}

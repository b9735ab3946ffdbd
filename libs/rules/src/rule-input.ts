import { UNSUPPORTED_RULE_TYPES, type RuleDefinition } from './control-plane.events.js';
import { parseInput } from './input-schema.js';
import { RulesError } from './rules.errors.js';
import { RULE_INPUT } from './rules.schemas.js';

/** The rule a body defines (SPEC §2–3), its rule ID truncated; a data rule is refused before anything else. */
export function parseRuleInput(input: unknown): RuleDefinition {
  const given = (input as { ruleType?: unknown } | null)?.ruleType;
  if ((UNSUPPORTED_RULE_TYPES as readonly unknown[]).includes(given)) {
    throw RulesError.of(
      'RULE_TYPE_NOT_SUPPORTED',
      'ruleType',
      'supported',
      `ruleType ${String(given)} is not supported: only CLIENT_STATUS_NOTIFY rules are`,
    );
  }
  const { ruleId, description, status, ruleType, source, target } = parseInput(RULE_INPUT, input);
  return {
    ruleId,
    ...(description !== undefined && { description }),
    status,
    ruleType,
    source,
    target,
  };
}

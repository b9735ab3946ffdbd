import { GROUP_ID_PATTERN } from '#libs/presence';
import {
  RULE_STATUSES,
  SUPPORTED_RULE_TYPES,
  TARGET_SERVICE_TYPES,
  UNSUPPORTED_RULE_TYPES,
  type RuleDefinition,
} from './control-plane.events.js';
import {
  DESCRIPTION_MAX_LENGTH,
  ROCKETMQ_INSTANCE_ID_PATTERN,
  RULE_ID_PATTERN,
  TOPIC_PATTERN,
  normalizeRuleId,
} from './identifiers.js';
import { RulesError } from './rules.errors.js';
import { FieldChecker, isObject } from './validation.js';

const RULE_FIELDS = ['ruleId', 'description', 'status', 'ruleType', 'source', 'target'] as const;

/** Checks the shape and formats of a rule body (SPEC §2–3) and returns the rule it defines, rule ID truncated. */
export function parseRuleInput(input: unknown): RuleDefinition {
  if (!isObject(input))
    throw RulesError.of('VALIDATION_FAILED', '', 'type', 'the body must be a JSON object');
  const check = new FieldChecker();
  check.noUnknownFields(input, RULE_FIELDS);

  const rawRuleId = check.string(input, 'ruleId');
  const ruleId = rawRuleId === undefined ? undefined : normalizeRuleId(rawRuleId);
  check.pattern(ruleId, 'ruleId', RULE_ID_PATTERN, '3–64 characters of [A-Za-z0-9_-] with a letter or digit');
  const description = check.string(input, 'description', 'description', true);
  check.maxLength(description, 'description', DESCRIPTION_MAX_LENGTH);
  const status = check.oneOf(check.string(input, 'status'), 'status', RULE_STATUSES);

  const rawRuleType = check.string(input, 'ruleType');
  if (rawRuleType !== undefined && (UNSUPPORTED_RULE_TYPES as readonly string[]).includes(rawRuleType)) {
    throw RulesError.of(
      'RULE_TYPE_NOT_SUPPORTED',
      'ruleType',
      'supported',
      `ruleType ${rawRuleType} is not supported: only CLIENT_STATUS_NOTIFY rules are`,
    );
  }
  const ruleType = check.oneOf(rawRuleType, 'ruleType', SUPPORTED_RULE_TYPES);

  const source = check.object(input, 'source');
  let groupId: string | undefined;
  if (source) {
    check.noUnknownFields(source, ['groupId'], 'source.');
    groupId = check.string(source, 'groupId', 'source.groupId');
    check.pattern(
      groupId,
      'source.groupId',
      GROUP_ID_PATTERN,
      'GID_ or GID- then [A-Za-z0-9_-], 7–64 characters',
    );
  }

  const target = check.object(input, 'target');
  let serviceType, instanceId, topic: string | undefined;
  if (target) {
    check.noUnknownFields(target, ['serviceType', 'instanceId', 'topic'], 'target.');
    serviceType = check.oneOf(
      check.string(target, 'serviceType', 'target.serviceType'),
      'target.serviceType',
      TARGET_SERVICE_TYPES,
    );
    instanceId = check.string(target, 'instanceId', 'target.instanceId');
    check.pattern(
      instanceId,
      'target.instanceId',
      ROCKETMQ_INSTANCE_ID_PATTERN,
      '3–64 characters of [A-Za-z0-9_-]',
    );
    topic = check.string(target, 'topic', 'target.topic');
    check.pattern(
      topic,
      'target.topic',
      TOPIC_PATTERN,
      '3–64 characters of [A-Za-z0-9_-], not starting with CID or GID',
    );
  }

  if (
    check.violations.length > 0 ||
    !ruleId ||
    !status ||
    !ruleType ||
    !groupId ||
    !serviceType ||
    !instanceId ||
    !topic
  ) {
    throw new RulesError('VALIDATION_FAILED', check.violations);
  }
  return {
    ruleId,
    ...(description !== undefined && { description }),
    status,
    ruleType,
    source: { groupId },
    target: { serviceType, instanceId, topic },
  };
}

/** One broken rule of the input, naming the field, so an operator reading the error knows what to change. */
export interface Violation {
  /** Dotted path of the field, e.g. `target.topic` or `publish[0]`; empty for the body itself. */
  field: string;
  /** Which rule it broke: `required`, `type`, `pattern`, `length`, `enum`, `unknown`, `limit`, … */
  rule: string;
  message: string;
}

/** Stable codes: the HTTP and bus adapters map them to statuses; clients may switch on them. */
export type RulesErrorCode =
  | 'VALIDATION_FAILED'
  | 'RULE_TYPE_NOT_SUPPORTED'
  | 'RULE_ID_TAKEN'
  | 'GROUP_ALREADY_HAS_RULE'
  | 'RULE_LIMIT_REACHED'
  | 'GROUP_NOT_FOUND'
  | 'ROCKETMQ_INSTANCE_NOT_FOUND'
  | 'SOURCE_GROUP_NOT_FOUND'
  | 'TARGET_INSTANCE_NOT_FOUND'
  | 'TARGET_TOPIC_NOT_FOUND'
  | 'REGION_MISMATCH'
  | 'GROUP_ALREADY_REGISTERED'
  | 'ROCKETMQ_INSTANCE_ALREADY_REGISTERED'
  | 'RULE_NOT_FOUND'
  | 'GROUP_IN_USE'
  | 'ROCKETMQ_INSTANCE_IN_USE'
  | 'RULE_VERSION_MISMATCH'
  | 'CREDENTIALS_NOT_FOUND'
  | 'TOPIC_PERMISSIONS_NOT_FOUND'
  | 'ACCESS_KEY_NOT_FOUND';

/** A refused command. Nothing was written. `violations` name each field and the rule it broke. */
export class RulesError extends Error {
  constructor(
    readonly code: RulesErrorCode,
    readonly violations: Violation[],
  ) {
    super(violations.map((v) => v.message).join('; '));
    this.name = 'RulesError';
  }

  static of(code: RulesErrorCode, field: string, rule: string, message: string): RulesError {
    return new RulesError(code, [{ field, rule, message }]);
  }
}

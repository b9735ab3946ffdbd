import type { RulesError, RulesErrorCode } from '#libs/rules';

/** What each refusal means in HTTP terms; the bus answers carry the same status. */
const STATUS: Record<RulesErrorCode, number> = {
  VALIDATION_FAILED: 400,
  RULE_NOT_FOUND: 404,
  RULE_ID_TAKEN: 409,
  GROUP_ALREADY_HAS_RULE: 409,
  RULE_LIMIT_REACHED: 409,
  GROUP_ALREADY_REGISTERED: 409,
  GROUP_IN_USE: 409,
  ROCKETMQ_INSTANCE_IN_USE: 409,
  ROCKETMQ_INSTANCE_ALREADY_REGISTERED: 409,
  GROUP_NOT_FOUND: 404,
  ROCKETMQ_INSTANCE_NOT_FOUND: 404,
  SOURCE_GROUP_NOT_FOUND: 422,
  TARGET_INSTANCE_NOT_FOUND: 422,
  TARGET_TOPIC_NOT_FOUND: 422,
  REGION_MISMATCH: 422,
  RULE_TYPE_NOT_SUPPORTED: 422,
  RULE_VERSION_MISMATCH: 412,
  CREDENTIALS_NOT_FOUND: 404,
  TOPIC_PERMISSIONS_NOT_FOUND: 404,
  ACCESS_KEY_NOT_FOUND: 404,
};

export const PROBLEM_TITLES: Record<number, string> = {
  400: 'Invalid request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  409: 'Conflict',
  412: 'Precondition failed',
  415: 'Unsupported media type',
  422: 'Unprocessable request',
  500: 'Internal error',
  503: 'Service unavailable',
};

/** An RFC 9457 problem for a refused command: a stable `code` and, per field, the rule it broke. */
export function problemFor(error: RulesError) {
  const status = STATUS[error.code];
  return {
    type: `urn:mqtt-status-relay:problem:${error.code.toLowerCase().replaceAll('_', '-')}`,
    title: PROBLEM_TITLES[status] ?? 'Refused',
    status,
    detail: error.message,
    code: error.code,
    errors: error.violations,
  };
}

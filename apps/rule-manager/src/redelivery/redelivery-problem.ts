import type { RedeliveryError, RedeliveryErrorCode } from '#libs/notifications';
import { PROBLEM_TITLES } from '../control-plane/rules-problem.js';

const STATUS: Record<RedeliveryErrorCode, number> = {
  REPLAY_TOO_LARGE: 422,
  RANGE_PAST_RETENTION: 422,
  DEAD_LETTER_NOT_FOUND: 404,
  DEAD_LETTER_ALREADY_REDRIVEN: 409,
  PRESENCE_EVENT_NOT_STORED: 404,
};

/**
 * A refused replay or redrive, as the API has always answered it: a plain problem, its reason in `detail`; one
 * refused for a field also names its code, the field and rule, and where retention starts.
 */
export function redeliveryProblem(error: RedeliveryError) {
  const status = STATUS[error.code];
  const problem = { type: 'about:blank', title: PROBLEM_TITLES[status], status, detail: error.message };
  if (!error.field) return problem;
  const { name, rule, retainedSince } = error.field;
  return {
    ...problem,
    type: `urn:mqtt-status-relay:problem:${error.code.toLowerCase().replaceAll('_', '-')}`,
    code: error.code,
    errors: [{ field: name, rule, message: error.message }],
    ...(retainedSince !== undefined && { retainedSince: new Date(retainedSince).toISOString() }),
  };
}

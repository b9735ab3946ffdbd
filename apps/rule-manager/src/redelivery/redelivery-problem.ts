import type { RedeliveryError, RedeliveryErrorCode } from '#libs/notifications';
import { PROBLEM_TITLES } from '../control-plane/rules-problem.js';

const STATUS: Record<RedeliveryErrorCode, number> = {
  REPLAY_TOO_LARGE: 422,
  DEAD_LETTER_NOT_FOUND: 404,
  DEAD_LETTER_ALREADY_REDRIVEN: 409,
  PRESENCE_EVENT_NOT_STORED: 404,
};

/** A refused replay or redrive, as the API has always answered it: a plain problem, its reason in `detail`. */
export function redeliveryProblem(error: RedeliveryError) {
  const status = STATUS[error.code];
  return { type: 'about:blank', title: PROBLEM_TITLES[status], status, detail: error.message };
}

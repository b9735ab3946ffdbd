import { backoffDelay } from '#libs/backoff';

/**
 * How a failed send is classified. Transient: the destination may accept it later (unreachable, timeout,
 * throttled, server error). Permanent: it never will as configured (topic missing, credentials refused, wrong
 * message type, message too large).
 */
export type FailureKind = 'transient' | 'permanent';

export interface DeliveryPolicy {
  /** Attempts before a notification failing permanently is dead-lettered (transient failures never are). */
  maxAttempts: number;
  /** First retry delay; doubles per attempt up to `maxBackoffMs`. */
  baseBackoffMs: number;
  maxBackoffMs: number;
}

export type NextStep = { retryInMs: number } | { deadLetter: true };

/**
 * After failed attempt number `attempt` (1-based): retry later, or dead-letter. Transient failures retry forever
 * while the backlog waits in the store; a permanent one stops blocking its client after `maxAttempts`.
 */
export function afterFailure(policy: DeliveryPolicy, attempt: number, kind: FailureKind): NextStep {
  if (kind === 'permanent' && attempt >= policy.maxAttempts) return { deadLetter: true };
  return {
    retryInMs: backoffDelay(attempt, { initialMs: policy.baseBackoffMs, maxMs: policy.maxBackoffMs }),
  };
}

import { positiveInteger, positiveIntegerRule, variable } from './env-values.js';

/** rocketmq-dispatch's delivery settings (README "Delivery"). */
export interface DispatchSettings {
  /** Sends in flight at once, each for a different client (DISPATCH_CONCURRENCY). */
  concurrency: number;
  /** Notifications read ahead of the checkpoint at most: the rest of the backlog waits in the store. */
  window: number;
  /** Attempts before a permanently failing notification is dead-lettered (DISPATCH_MAX_ATTEMPTS). */
  maxAttempts: number;
  /** First retry delay, doubled per attempt up to the maximum (DISPATCH_RETRY_BASE_MS, DISPATCH_RETRY_MAX_MS). */
  baseBackoffMs: number;
  maxBackoffMs: number;
  /** Partitions of the client ID hash that dispatchers share, one owner each (DISPATCH_PARTITIONS). */
  partitions: number;
  /** How long a dispatcher's partition leases last unrenewed (DISPATCH_LEASE_TTL_MS); renewed every third. */
  leaseTtlMs: number;
}

export const DISPATCH_VARIABLES = {
  DISPATCH_CONCURRENCY: positiveInteger(256, 1024),
  DISPATCH_RETRY_BASE_MS: positiveInteger(1_000),
  DISPATCH_RETRY_MAX_MS: positiveInteger(10_000),
  DISPATCH_PARTITIONS: positiveInteger(16, 1024),
  DISPATCH_LEASE_TTL_MS: (name: string) =>
    variable('10000', (value, refuse) => {
      const ttl = positiveIntegerRule(name, 10_000)(value, refuse);
      if (ttl < 300) refuse('min', `${name} must be 300 or more (milliseconds)`);
      return ttl;
    })(name),
  DISPATCH_WINDOW: positiveInteger(10_000),
  DISPATCH_MAX_ATTEMPTS: positiveInteger(5),
};

type Values = { [K in keyof typeof DISPATCH_VARIABLES]: number };

export function dispatchSettings(v: Values): DispatchSettings {
  return {
    concurrency: v.DISPATCH_CONCURRENCY,
    partitions: v.DISPATCH_PARTITIONS,
    leaseTtlMs: v.DISPATCH_LEASE_TTL_MS,
    window: v.DISPATCH_WINDOW,
    maxAttempts: v.DISPATCH_MAX_ATTEMPTS,
    baseBackoffMs: v.DISPATCH_RETRY_BASE_MS,
    maxBackoffMs: v.DISPATCH_RETRY_MAX_MS,
  };
}

/** The rule between the two retry variables: `[variable, rule, message]` for each one broken. */
export function retryProblems(env: Record<string, string | undefined>): [string, string, string][] {
  const [base, max] = [env['DISPATCH_RETRY_BASE_MS'] ?? '1000', env['DISPATCH_RETRY_MAX_MS'] ?? '10000'];
  if (/^[1-9]\d*$/.test(base) && /^[1-9]\d*$/.test(max) && Number(max) < Number(base))
    return [
      [
        'DISPATCH_RETRY_MAX_MS',
        'not-below-base',
        `DISPATCH_RETRY_MAX_MS (${max}) must not be below DISPATCH_RETRY_BASE_MS (${base})`,
      ],
    ];
  return [];
}

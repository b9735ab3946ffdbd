import { RulesError } from '#libs/rules';

/** A time query parameter: epoch milliseconds or ISO 8601; `fallback` when absent. */
export function timeParam(value: string | undefined, field: string, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (Number.isNaN(parsed))
    throw RulesError.of(
      'VALIDATION_FAILED',
      field,
      'format',
      `${field} must be epoch milliseconds or an ISO 8601 time`,
    );
  return parsed;
}

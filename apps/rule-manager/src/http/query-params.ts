import { parseClientId } from '#libs/presence';
import { RulesError } from '#libs/rules';

/** A whole-number query parameter from 1 to `max`; `fallback` when absent. */
export function countParam(value: string | undefined, field: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || parsed < 1 || parsed > max)
    throw RulesError.of(
      'VALIDATION_FAILED',
      field,
      'range',
      `${field} must be a whole number from 1 to ${max}`,
    );
  return parsed;
}

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

/** A client ID from a path, query or body, normalised; a 400 naming `field` when it is not one. */
export function checkedClientId(clientId: unknown, field: string): string {
  const parsed = typeof clientId === 'string' ? parseClientId(clientId) : undefined;
  if (!parsed?.ok) {
    const problem = parsed ? parsed.problem : 'must be a string';
    throw RulesError.of(
      'VALIDATION_FAILED',
      field,
      'pattern',
      `${field} ${problem}: <GroupID>@@@<DeviceID>, ≤ 64 characters`,
    );
  }
  return parsed.clientId;
}

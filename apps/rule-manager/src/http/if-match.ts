import { RulesError } from '#libs/rules';

/** `If-Match: "5"` (or `W/"5"`, or `5`) → 5. Absent → undefined: the change applies to whatever version is current. */
export function expectedVersion(ifMatch: string | undefined): number | undefined {
  if (ifMatch === undefined || ifMatch.trim() === '' || ifMatch.trim() === '*') return undefined;
  const match = /^(?:W\/)?"?(\d+)"?$/.exec(ifMatch.trim());
  if (!match) {
    throw RulesError.of(
      'VALIDATION_FAILED',
      'If-Match',
      'format',
      `If-Match must be a rule version such as "5", got ${ifMatch}`,
    );
  }
  return Number(match[1]);
}

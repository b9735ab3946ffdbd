/**
 * The rule versions an `If-Match` accepts (RFC 9110 §13.1.1): undefined when it is absent or `*` (whatever version
 * is current), else the versions of its strong entity tags, e.g. `"5"` or `"4", "5"`. A weak tag (`W/"5"`, never
 * equal by strong comparison) or anything that is not the entity tag of a version matches no version, so the
 * change is refused with 412 like a stale one.
 */
export function acceptedVersions(ifMatch: string | undefined): number[] | undefined {
  const value = ifMatch?.trim();
  if (value === undefined || value === '' || value === '*') return undefined;
  const versions: number[] = [];
  for (const [, weak, tag] of value.matchAll(/(W\/)?"([^"]*)"/g)) {
    if (weak === undefined && /^\d+$/.test(tag!)) versions.push(Number(tag));
  }
  return versions;
}

import { parseClientId } from '#libs/presence';

export type Admission = { admitted: true; groupId: string } | { admitted: false; reason: string };

/**
 * SPEC §2: a client ID that breaks the format, or whose group is not registered, is refused with CONNACK
 * "identifier rejected". `isRegistered` may look again in the store before the answer is final.
 */
export async function admitClient(
  clientId: string,
  isRegistered: (groupId: string) => Promise<boolean>,
): Promise<Admission> {
  const parsed = parseClientId(clientId);
  if (!parsed.ok) return { admitted: false, reason: `client ID "${clientId}" ${parsed.problem}` };
  if (!(await isRegistered(parsed.groupId))) {
    return { admitted: false, reason: `group ${parsed.groupId} of client ${clientId} is not registered` };
  }
  return { admitted: true, groupId: parsed.groupId };
}

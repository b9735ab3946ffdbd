import { parseClientId } from '#libs/presence';

import type { PresenceReason } from '#libs/presence';

/** `traceable`: the client ID is well formed, so the refusal is kept in the client's trace. */
export type Admission =
  | { admitted: true; groupId: string }
  | { admitted: false; reason: string; traceReason: PresenceReason; traceable: boolean };

/**
 * SPEC §2: a client ID that breaks the format, or whose group is not registered, is refused with CONNACK
 * "identifier rejected". `isRegistered` may look again in the store before the answer is final.
 */
export async function admitClient(
  clientId: string,
  isRegistered: (groupId: string) => Promise<boolean>,
): Promise<Admission> {
  const parsed = parseClientId(clientId);
  if (!parsed.ok) {
    return {
      admitted: false,
      reason: `client ID "${clientId}" ${parsed.problem}`,
      traceReason: 'invalid param',
      traceable: false,
    };
  }
  if (!(await isRegistered(parsed.groupId))) {
    const reason = `group ${parsed.groupId} of client ${clientId} is not registered`;
    return { admitted: false, reason, traceReason: 'not authorized', traceable: true };
  }
  return { admitted: true, groupId: parsed.groupId };
}

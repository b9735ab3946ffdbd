import { parseClientId, type PresenceReason } from '#libs/presence';
import type { DeviceCredentialsData } from '#libs/rules';
import type { SignatureCheck } from './signature-auth.js';

/** CONNACK return codes of MQTT 3.1.1 for refusals. */
export const IDENTIFIER_REJECTED = 2;
export const BAD_USERNAME_OR_PASSWORD = 4;
export const NOT_AUTHORIZED = 5;

/** `traceable`: the client ID is well formed, so the refusal is kept in the client's trace. */
export type Admission =
  | { admitted: true; groupId: string }
  | { admitted: false; returnCode: number; reason: string; traceReason: PresenceReason; traceable: boolean };

export interface AdmissionRules {
  /** May look again in the store before the answer is final. */
  isRegistered(groupId: string): Promise<boolean>;
  /** The device's own credentials, else its group's, else none. */
  credentialsFor(clientId: string, groupId: string): DeviceCredentialsData | undefined;
  verifyPassword(password: string, passwordHash: string): Promise<boolean>;
  /** Signature mode: `not-a-signature` when the username is not `Signature|…`. */
  checkSignature(
    username: string | undefined,
    password: Buffer | undefined,
    clientId: string,
  ): SignatureCheck;
  allowAnonymous: boolean;
}

/**
 * SPEC §2: a client ID that breaks the format, or whose group is not registered, is refused with "identifier
 * rejected". Then authentication: the credentials of the device or its group when set (a wrong pair is "bad user
 * name or password"); without any, only when anonymous access is allowed (by default on a loopback listener).
 */
export async function admitClient(
  clientId: string,
  username: string | undefined,
  password: Buffer | undefined,
  rules: AdmissionRules,
): Promise<Admission> {
  const parsed = parseClientId(clientId);
  if (!parsed.ok) {
    const reason = `client ID "${clientId}" ${parsed.problem}`;
    return {
      admitted: false,
      returnCode: IDENTIFIER_REJECTED,
      reason,
      traceReason: 'invalid param',
      traceable: false,
    };
  }
  const refuse = (returnCode: number, reason: string): Admission => ({
    admitted: false,
    returnCode,
    reason,
    traceReason: 'not authorized',
    traceable: true,
  });
  if (!(await rules.isRegistered(parsed.groupId))) {
    return refuse(IDENTIFIER_REJECTED, `group ${parsed.groupId} of client ${clientId} is not registered`);
  }
  const signature = rules.checkSignature(username, password, clientId);
  if (signature === 'valid') return { admitted: true, groupId: parsed.groupId };
  if (signature === 'invalid')
    return refuse(BAD_USERNAME_OR_PASSWORD, `wrong signature for ${clientId} (${username})`);
  const credentials = rules.credentialsFor(clientId, parsed.groupId);
  if (!credentials) {
    return rules.allowAnonymous
      ? { admitted: true, groupId: parsed.groupId }
      : refuse(
          NOT_AUTHORIZED,
          `client ${clientId} has no credentials and anonymous access is off (MQTT_ALLOW_ANONYMOUS)`,
        );
  }
  const matches =
    username === credentials.username &&
    password !== undefined &&
    (await rules.verifyPassword(password.toString('utf8'), credentials.passwordHash));
  if (!matches)
    return refuse(
      BAD_USERNAME_OR_PASSWORD,
      `wrong username or password for ${clientId} (${credentials.scope} credentials)`,
    );
  return { admitted: true, groupId: parsed.groupId };
}

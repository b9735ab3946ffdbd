import { parseClientId, type PresenceReason } from '#libs/presence';
import type { DeviceCredentialsData } from '#libs/rules';
import type { SignatureCheck } from './signature-auth.js';

/** CONNACK return codes of MQTT 3.1.1 for refusals; aedes sends MQTT 5 clients 0x85, 0x86 and 0x87. */
export const IDENTIFIER_REJECTED = 2;
export const BAD_USERNAME_OR_PASSWORD = 4;
export const NOT_AUTHORIZED = 5;
/** Too many password checks waiting: the device should try again (MQTT 5: 0x88). */
export const SERVER_UNAVAILABLE = 3;

/** What a CONNECT asks for; every field is untrusted (any length, any bytes). */
export interface ConnectRequest {
  clientId: string;
  username: string | undefined;
  password: Buffer | undefined;
  keepaliveSeconds: number;
}

/** What admitted a client: while it still holds the connection may stay, once revoked it is closed. */
export type AdmissionBasis =
  | { kind: 'anonymous' }
  | { kind: 'credentials'; username: string; passwordHash: string }
  | { kind: 'signature'; accessKeyId: string; secretCiphertext: string };

/** `traceable`: the client ID is well formed and its group registered, so its trace keeps the refusal. */
export type Admission =
  | { admitted: true; groupId: string; deviceId: string; basis: AdmissionBasis }
  | { admitted: false; returnCode: number; reason: string; traceReason: PresenceReason; traceable: boolean };

export interface AdmissionRules {
  /** May look again in the store before the answer is final. */
  isRegistered(groupId: string): Promise<boolean>;
  /** The device's own credentials, else its group's, else none. */
  credentialsFor(clientId: string, groupId: string): DeviceCredentialsData | undefined;
  /**
   * `undefined` as the hash does the same work and answers false: no user enumeration by timing. `busy` when too
   * many checks wait already.
   */
  verifyPassword(password: string, passwordHash: string | undefined): Promise<boolean | 'busy'>;
  /** Signature mode: `not-a-signature` when the username is not `Signature|…`. */
  checkSignature(
    username: string | undefined,
    password: Buffer | undefined,
    clientId: string,
  ): SignatureCheck;
  /** The access key a signature username names, when it exists. */
  signatureKey(username: string): { accessKeyId: string; secretCiphertext: string } | undefined;
  allowAnonymous: boolean;
  maxKeepaliveSeconds: number;
}

/** Usernames and client IDs reach logs and traces cut to this, so a 60 KB username costs nothing to keep. */
const SHOWN_CHARACTERS = 40;
export const shown = (text: string | undefined): string =>
  JSON.stringify(
    text === undefined || text.length <= SHOWN_CHARACTERS ? text : `${text.slice(0, SHOWN_CHARACTERS)}…`,
  );

/**
 * SPEC §2: a client ID that breaks the format, or whose group is not registered, is refused with "identifier
 * rejected", as is a keepalive above the limit (Mosquitto's answer to 3.1.1 clients). Then authentication: the
 * credentials of the device or its group when set (a wrong pair is "bad user name or password"); without any,
 * only when anonymous access is allowed (by default on a loopback listener).
 */
export async function admitClient(connect: ConnectRequest, rules: AdmissionRules): Promise<Admission> {
  const { clientId, username, password } = connect;
  const parsed = parseClientId(clientId);
  if (!parsed.ok) {
    const reason = `client ID ${shown(clientId)} ${parsed.problem.slice(0, 2 * SHOWN_CHARACTERS)}`;
    return refusal(IDENTIFIER_REJECTED, reason, 'invalid param', false);
  }
  if (!(await rules.isRegistered(parsed.groupId))) {
    const reason = `group ${parsed.groupId} of client ${clientId} is not registered`;
    return refusal(IDENTIFIER_REJECTED, reason, 'not authorized', false);
  }
  const ids = { groupId: parsed.groupId, deviceId: parsed.deviceId };
  const refuse = (returnCode: number, reason: string, traceReason: PresenceReason = 'not authorized') =>
    refusal(returnCode, reason, traceReason, true);
  if (connect.keepaliveSeconds > rules.maxKeepaliveSeconds) {
    return refuse(
      IDENTIFIER_REJECTED,
      `keepalive ${connect.keepaliveSeconds} s is above MQTT_MAX_KEEPALIVE (${rules.maxKeepaliveSeconds} s)`,
      'invalid param',
    );
  }
  const signature = rules.checkSignature(username, password, clientId);
  if (signature === 'valid') return { admitted: true, ...ids, basis: signatureBasis(username!, rules) };
  if (signature === 'invalid')
    return refuse(BAD_USERNAME_OR_PASSWORD, `wrong signature for ${clientId} (username ${shown(username)})`);
  const credentials = rules.credentialsFor(clientId, parsed.groupId);
  if (!credentials && rules.allowAnonymous) return { admitted: true, ...ids, basis: { kind: 'anonymous' } };
  // The slow hash runs whatever the username and whether or not credentials exist, so the answer's timing
  // tells nothing about which devices have credentials. A password that is not valid UTF-8 matches none.
  const text = password?.toString('utf8') ?? '';
  const exactText = password === undefined || Buffer.from(text).equals(password);
  const hashMatches = await rules.verifyPassword(text, exactText ? credentials?.passwordHash : undefined);
  if (hashMatches === 'busy') {
    const reason = `too many password checks waiting; ${clientId} may try again`;
    return refusal(SERVER_UNAVAILABLE, reason, 'not authorized', false);
  }
  if (!credentials)
    return refuse(
      NOT_AUTHORIZED,
      `client ${clientId} has no credentials and anonymous access is off (MQTT_ALLOW_ANONYMOUS)`,
    );
  if (!(hashMatches && password !== undefined && username === credentials.username))
    return refuse(
      BAD_USERNAME_OR_PASSWORD,
      `wrong username or password for ${clientId} (${credentials.scope} credentials, username ${shown(username)})`,
    );
  const basis: AdmissionBasis = {
    kind: 'credentials',
    username: credentials.username,
    passwordHash: credentials.passwordHash,
  };
  return { admitted: true, ...ids, basis };
}

function refusal(
  returnCode: number,
  reason: string,
  traceReason: PresenceReason,
  traceable: boolean,
): Admission {
  return { admitted: false, returnCode, reason, traceReason, traceable };
}

function signatureBasis(username: string, rules: AdmissionRules): AdmissionBasis {
  const key = rules.signatureKey(username)!;
  return { kind: 'signature', accessKeyId: key.accessKeyId, secretCiphertext: key.secretCiphertext };
}

/** Whether what admitted a client still holds after a control-plane change (revocations close connections). */
export function stillAdmitted(
  basis: AdmissionBasis,
  client: { clientId: string; groupId: string; username: string | undefined },
  rules: Pick<AdmissionRules, 'credentialsFor' | 'signatureKey' | 'allowAnonymous'> & {
    isRegisteredNow(groupId: string): boolean;
  },
): boolean {
  if (!rules.isRegisteredNow(client.groupId)) return false;
  const credentials = rules.credentialsFor(client.clientId, client.groupId);
  switch (basis.kind) {
    case 'anonymous':
      return rules.allowAnonymous && !credentials;
    case 'credentials':
      return credentials?.passwordHash === basis.passwordHash && credentials.username === basis.username;
    case 'signature':
      return rules.signatureKey(client.username ?? '')?.secretCiphertext === basis.secretCiphertext;
  }
}

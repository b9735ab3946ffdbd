/** Identifier formats of SPEC §2 (the original product's limits). */

export const GROUP_ID_PATTERN = /^GID[_-][A-Za-z0-9_-]{3,60}$/;
const DEVICE_ID_PATTERN = /^[A-Za-z0-9_-]+$/;
export const CLIENT_ID_SEPARATOR = '@@@';
export const CLIENT_ID_MAX_LENGTH = 64;

export function isValidGroupId(groupId: string): boolean {
  return GROUP_ID_PATTERN.test(groupId);
}

export type ParsedClientId =
  | { ok: true; clientId: string; groupId: string; deviceId: string }
  | { ok: false; clientId: string; problem: string };

/** `<GroupID>@@@<DeviceID>`, at most 64 characters; the group is the text before the first `@@@`. */
export function parseClientId(clientId: string): ParsedClientId {
  const refuse = (problem: string): ParsedClientId => ({ ok: false, clientId, problem });
  if (clientId.length > CLIENT_ID_MAX_LENGTH) return refuse(`longer than ${CLIENT_ID_MAX_LENGTH} characters`);
  const at = clientId.indexOf(CLIENT_ID_SEPARATOR);
  if (at < 0) return refuse(`no "${CLIENT_ID_SEPARATOR}" between group ID and device ID`);
  const groupId = clientId.slice(0, at);
  const deviceId = clientId.slice(at + CLIENT_ID_SEPARATOR.length);
  if (!isValidGroupId(groupId))
    return refuse(`group ID "${groupId}" does not match ${GROUP_ID_PATTERN.source}`);
  if (!DEVICE_ID_PATTERN.test(deviceId)) return refuse(`device ID "${deviceId}" is not [A-Za-z0-9_-]+`);
  return { ok: true, clientId, groupId, deviceId };
}

/** One per TCP connection: 32 lower-case hex characters (a UUID without dashes). */
export function channelIdFromUuid(uuid: string): string {
  return uuid.replaceAll('-', '').toLowerCase();
}

import { parseClientId } from '#libs/presence';
import type { RemoveDeviceCredentials, SetDeviceCredentials } from './control-plane.commands.js';
import type { DeviceCredentialsRemoved, DeviceCredentialsSet } from './control-plane.events.js';
import { credentialsKey, type ControlPlaneState } from './control-plane.state.js';
import { existingGroup } from './group.decider.js';
import { RulesError } from './rules.errors.js';
import { FieldChecker, isObject } from './validation.js';

const USERNAME_PATTERN = /^[\x21-\x7e]{1,64}$/;
const MIN_PASSWORD_LENGTH = 8;

/** The group (scope group) or the device's group (scope device) must be registered. */
export function checkTarget(scope: 'group' | 'device', id: string, state: ControlPlaneState): void {
  if (scope === 'group') {
    existingGroup(state, id);
    return;
  }
  const client = parseClientId(id);
  if (!client.ok)
    throw RulesError.of('VALIDATION_FAILED', 'clientId', 'pattern', `clientId ${client.problem}`);
  existingGroup(state, client.groupId);
}

export function setDeviceCredentials(
  command: SetDeviceCredentials,
  state: ControlPlaneState,
): DeviceCredentialsSet[] {
  const { scope, id, input, passwordHash } = command.data;
  checkTarget(scope, id, state);
  if (!isObject(input))
    throw RulesError.of('VALIDATION_FAILED', '', 'type', 'the body must be a JSON object');
  const check = new FieldChecker();
  check.noUnknownFields(input, ['username', 'password']);
  const username = check.string(input, 'username');
  check.pattern(username, 'username', USERNAME_PATTERN, '1–64 printable characters without spaces');
  const password = check.string(input, 'password');
  if (password !== undefined && password.length < MIN_PASSWORD_LENGTH) {
    check.fail('password', 'length', `password must be at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  if (check.violations.length > 0 || !username) throw new RulesError('VALIDATION_FAILED', check.violations);
  return [{ type: 'DeviceCredentialsSet', data: { scope, id, username, passwordHash } }];
}

export function removeDeviceCredentials(
  command: RemoveDeviceCredentials,
  state: ControlPlaneState,
): DeviceCredentialsRemoved[] {
  const { scope, id } = command.data;
  if (!Object.hasOwn(state.credentials, credentialsKey(scope, id))) {
    throw RulesError.of(
      'CREDENTIALS_NOT_FOUND',
      scope === 'group' ? 'groupId' : 'clientId',
      'exists',
      `${id} has no credentials`,
    );
  }
  return [{ type: 'DeviceCredentialsRemoved', data: { scope, id } }];
}

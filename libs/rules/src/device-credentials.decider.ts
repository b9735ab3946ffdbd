import { parseClientId } from '#libs/presence';
import type { RemoveDeviceCredentials, SetDeviceCredentials } from './control-plane.commands.js';
import type { DeviceCredentialsRemoved, DeviceCredentialsSet } from './control-plane.events.js';
import { credentialsKey, type ControlPlaneState } from './control-plane.state.js';
import { existingGroup } from './group.decider.js';
import { parseInput } from './input-schema.js';
import { RulesError } from './rules.errors.js';
import { DEVICE_CREDENTIALS_INPUT } from './rules.schemas.js';

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
  // The password was hashed before the command was built; it is checked here all the same, with the rest.
  const { username } = parseInput(DEVICE_CREDENTIALS_INPUT, input);
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

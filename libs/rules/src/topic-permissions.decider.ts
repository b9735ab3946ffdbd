import type { RemoveTopicPermissions, SetTopicPermissions } from './control-plane.commands.js';
import type {
  CredentialScope,
  TopicPermissionsData,
  TopicPermissionsRemoved,
  TopicPermissionsSet,
} from './control-plane.events.js';
import { credentialsKey, type ControlPlaneState } from './control-plane.state.js';
import { checkTarget } from './device-credentials.decider.js';
import { parseInput } from './input-schema.js';
import { RulesError } from './rules.errors.js';
import { TOPIC_PERMISSIONS_INPUT } from './rules.schemas.js';

export function setTopicPermissions(
  command: SetTopicPermissions,
  state: ControlPlaneState,
): TopicPermissionsSet[] {
  const { scope, id, input } = command.data;
  checkScope(scope);
  checkTarget(scope, id, state);
  const { publish, subscribe } = parseInput(TOPIC_PERMISSIONS_INPUT, input);
  return [{ type: 'TopicPermissionsSet', data: { scope, id, publish, subscribe } }];
}

export function removeTopicPermissions(
  command: RemoveTopicPermissions,
  state: ControlPlaneState,
): TopicPermissionsRemoved[] {
  const { scope, id } = command.data;
  checkScope(scope);
  if (!Object.hasOwn(state.topicPermissions, credentialsKey(scope, id))) throw notFound(scope, id);
  return [{ type: 'TopicPermissionsRemoved', data: { scope, id } }];
}

/** The lists set for exactly this group or device (not the ones it falls back to), or a 404 refusal. */
export function existingTopicPermissions(
  state: ControlPlaneState,
  scope: CredentialScope,
  id: string,
): TopicPermissionsData {
  checkTarget(scope, id, state);
  const key = credentialsKey(scope, id);
  const permissions = Object.hasOwn(state.topicPermissions, key) ? state.topicPermissions[key] : undefined;
  if (!permissions) throw notFound(scope, id);
  return permissions;
}

const notFound = (scope: CredentialScope, id: string) =>
  RulesError.of(
    'TOPIC_PERMISSIONS_NOT_FOUND',
    scope === 'group' ? 'groupId' : 'clientId',
    'exists',
    `${id} has no topic permissions of its own`,
  );

/** The bus passes the scope through untouched: it must still be one of the two. */
function checkScope(scope: unknown): asserts scope is CredentialScope {
  if (scope !== 'group' && scope !== 'device')
    throw RulesError.of('VALIDATION_FAILED', 'scope', 'enum', 'scope must be one of group, device');
}

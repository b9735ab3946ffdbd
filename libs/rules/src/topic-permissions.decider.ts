import type { RemoveTopicPermissions, SetTopicPermissions } from './control-plane.commands.js';
import type {
  CredentialScope,
  TopicPermissionsData,
  TopicPermissionsRemoved,
  TopicPermissionsSet,
} from './control-plane.events.js';
import { credentialsKey, type ControlPlaneState } from './control-plane.state.js';
import { checkTarget } from './device-credentials.decider.js';
import { RulesError } from './rules.errors.js';
import { topicFilterProblem } from './topic-filter.js';
import { TOPIC_PLACEHOLDERS } from './topic-permissions.js';
import { FieldChecker, isObject, type Input } from './validation.js';

export const MAX_TOPIC_FILTERS = 100;
const LISTS = ['publish', 'subscribe'] as const;
const ANY_PLACEHOLDER = /\$\{[^}]*\}/g;

export function setTopicPermissions(
  command: SetTopicPermissions,
  state: ControlPlaneState,
): TopicPermissionsSet[] {
  const { scope, id, input } = command.data;
  checkScope(scope);
  checkTarget(scope, id, state);
  if (!isObject(input))
    throw RulesError.of('VALIDATION_FAILED', '', 'type', 'the body must be a JSON object');
  const check = new FieldChecker();
  check.noUnknownFields(input, LISTS);
  const [publish, subscribe] = LISTS.map((list) => filterList(check, input, list));
  if (check.violations.length > 0 || !publish || !subscribe)
    throw new RulesError('VALIDATION_FAILED', check.violations);
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

function filterList(check: FieldChecker, input: Input, list: string): string[] | undefined {
  const value = input[list];
  const refuse = (rule: string, message: string) => {
    check.fail(list, rule, message);
    return undefined;
  };
  if (value === undefined || value === null) return refuse('required', `${list} is required`);
  if (!Array.isArray(value)) return refuse('type', `${list} must be an array of topic filters`);
  if (value.length > MAX_TOPIC_FILTERS) {
    return refuse('limit', `${list} may hold at most ${MAX_TOPIC_FILTERS} filters (got ${value.length})`);
  }
  const before = check.violations.length;
  for (const [i, entry] of value.entries()) {
    const path = `${list}[${i}]`;
    if (typeof entry !== 'string') {
      check.fail(path, 'type', `${path} must be a string`);
      continue;
    }
    const problem = topicFilterProblem(entry) ?? placeholderProblem(entry);
    if (problem) check.fail(path, problem.rule, `${path} ${JSON.stringify(entry)} ${problem.message}`);
  }
  return check.violations.length === before ? (value as string[]) : undefined;
}

/** A misspelt placeholder would silently match nothing: it is refused instead. */
function placeholderProblem(entry: string): { rule: string; message: string } | undefined {
  const unknown = (entry.match(ANY_PLACEHOLDER) ?? []).find(
    (found) => !(TOPIC_PLACEHOLDERS as readonly string[]).includes(found),
  );
  if (unknown === undefined) return undefined;
  return { rule: 'placeholder', message: `uses ${unknown}: only ${TOPIC_PLACEHOLDERS.join(', ')} are known` };
}

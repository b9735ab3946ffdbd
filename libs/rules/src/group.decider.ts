import { GROUP_ID_PATTERN } from '#libs/presence';
import type { DeleteGroup, RegisterGroup, UpdateGroup } from './control-plane.commands.js';
import type { GroupData, GroupDeleted, GroupRegistered, GroupUpdated } from './control-plane.events.js';
import { ruleForGroup, type ControlPlaneState, type Group } from './control-plane.state.js';
import { DESCRIPTION_MAX_LENGTH } from './identifiers.js';
import { RulesError } from './rules.errors.js';
import { FieldChecker, isObject } from './validation.js';

function parseGroup(input: unknown, pathId?: string): GroupData {
  if (!isObject(input))
    throw RulesError.of('VALIDATION_FAILED', '', 'type', 'the body must be a JSON object');
  const check = new FieldChecker();
  check.noUnknownFields(input, ['groupId', 'description']);
  const groupId = pathId ?? check.string(input, 'groupId');
  if (pathId !== undefined && input['groupId'] !== undefined && input['groupId'] !== pathId) {
    check.fail('groupId', 'immutable', `the group ID never changes (${pathId})`);
  }
  check.pattern(groupId, 'groupId', GROUP_ID_PATTERN, 'GID_ or GID- then [A-Za-z0-9_-], 7–64 characters');
  const description = check.string(input, 'description', 'description', true);
  check.maxLength(description, 'description', DESCRIPTION_MAX_LENGTH);
  if (check.violations.length > 0 || groupId === undefined)
    throw new RulesError('VALIDATION_FAILED', check.violations);
  return { groupId, ...(description !== undefined && { description }) };
}

export function registerGroup(command: RegisterGroup, state: ControlPlaneState): GroupRegistered[] {
  const group = parseGroup(command.data.input);
  if (Object.hasOwn(state.groups, group.groupId)) {
    throw RulesError.of(
      'GROUP_ALREADY_REGISTERED',
      'groupId',
      'unique',
      `group ${group.groupId} is already registered`,
    );
  }
  return [{ type: 'GroupRegistered', data: group }];
}

export function updateGroup(command: UpdateGroup, state: ControlPlaneState): GroupUpdated[] {
  const current = existingGroup(state, command.data.groupId);
  return [{ type: 'GroupUpdated', data: parseGroup(command.data.input, current.groupId) }];
}

/** Refused while a rule uses the group (SPEC §3); devices of a deleted group are refused from then on. */
export function deleteGroup(command: DeleteGroup, state: ControlPlaneState): GroupDeleted[] {
  const current = existingGroup(state, command.data.groupId);
  const rule = ruleForGroup(state, current.groupId);
  if (rule) {
    throw RulesError.of(
      'GROUP_IN_USE',
      'groupId',
      'unused',
      `group ${current.groupId} is the source of rule ${rule.ruleId}: delete the rule first`,
    );
  }
  return [{ type: 'GroupDeleted', data: { groupId: current.groupId } }];
}

/** The group, or a GROUP_NOT_FOUND refusal. */
export function existingGroup(state: ControlPlaneState, groupId: string): Group {
  const group = Object.hasOwn(state.groups, groupId) ? state.groups[groupId] : undefined;
  if (!group)
    throw RulesError.of('GROUP_NOT_FOUND', 'groupId', 'exists', `group ${groupId} is not registered`);
  return group;
}

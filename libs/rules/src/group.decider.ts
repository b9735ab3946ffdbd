import type { DeleteGroup, RegisterGroup, UpdateGroup } from './control-plane.commands.js';
import type { GroupData, GroupDeleted, GroupRegistered, GroupUpdated } from './control-plane.events.js';
import { ruleForGroup, type ControlPlaneState, type Group } from './control-plane.state.js';
import { parseInput } from './input-schema.js';
import { RulesError } from './rules.errors.js';
import { GROUP_INPUT, groupUpdate } from './rules.schemas.js';

/** On an edit the group ID comes from the path; the body may repeat it, never change it. */
function parseGroup(input: unknown, pathId?: string): GroupData {
  const { groupId, description } = parseInput(
    pathId === undefined ? GROUP_INPUT : groupUpdate(pathId),
    input,
  );
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

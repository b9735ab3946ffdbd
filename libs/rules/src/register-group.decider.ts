import type { ControlPlaneContext, RegisterGroup } from './control-plane.commands.js';
import type { GroupRegistered } from './control-plane.events.js';
import type { ControlPlaneState } from './control-plane.state.js';
import { GROUP_ID_PATTERN } from '#libs/presence';
import { DESCRIPTION_MAX_LENGTH } from './identifiers.js';
import { RulesError } from './rules.errors.js';
import { FieldChecker, isObject } from './validation.js';

export function registerGroup(
  command: RegisterGroup,
  state: ControlPlaneState,
  _context: ControlPlaneContext,
): GroupRegistered[] {
  const { input } = command.data;
  const check = new FieldChecker();
  if (!isObject(input))
    throw RulesError.of('VALIDATION_FAILED', '', 'type', 'the body must be a JSON object');
  check.noUnknownFields(input, ['groupId', 'description']);
  const groupId = check.string(input, 'groupId');
  check.pattern(groupId, 'groupId', GROUP_ID_PATTERN, 'GID_ or GID- then [A-Za-z0-9_-], 7–64 characters');
  const description = check.string(input, 'description', 'description', true);
  check.maxLength(description, 'description', DESCRIPTION_MAX_LENGTH);
  if (check.violations.length > 0 || groupId === undefined)
    throw new RulesError('VALIDATION_FAILED', check.violations);

  if (Object.hasOwn(state.groups, groupId)) {
    throw RulesError.of(
      'GROUP_ALREADY_REGISTERED',
      'groupId',
      'unique',
      `group ${groupId} is already registered`,
    );
  }
  return [{ type: 'GroupRegistered', data: { groupId, ...(description !== undefined && { description }) } }];
}

import { existingGroup, type Group } from '#libs/rules';
import type { ResourceKind } from '../control-plane/registered-resource.js';
import { groupRepresentation } from '../http/representations.js';

export const GROUPS: ResourceKind<Group> = {
  path: '/api/v1/groups',
  itemsOf: (state) => state.groups,
  idKey: 'groupId',
  existing: existingGroup,
  representation: groupRepresentation,
};

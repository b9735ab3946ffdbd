import type { ControlPlaneCommand, ControlPlaneContext } from './control-plane.commands.js';
import type { ControlPlaneEvent } from './control-plane.events.js';
import type { ControlPlaneState } from './control-plane.state.js';
import { createRule } from './create-rule.decider.js';
import { createAccessKey, deleteAccessKey } from './access-key.decider.js';
import { removeDeviceCredentials, setDeviceCredentials } from './device-credentials.decider.js';
import { deleteGroup, registerGroup, updateGroup } from './group.decider.js';
import {
  deleteRocketmqInstance,
  registerRocketmqInstance,
  updateRocketmqInstance,
} from './rocketmq-instance.decider.js';
import { deleteRule, disableRule, enableRule, updateRule } from './rule-lifecycle.decider.js';
import { removeTopicPermissions, setTopicPermissions } from './topic-permissions.decider.js';

/** decide(command, state) → events, or a thrown RulesError. Pure: no clock, no I/O. */
export function decideControlPlane(
  command: ControlPlaneCommand,
  state: ControlPlaneState,
  context: ControlPlaneContext,
): ControlPlaneEvent[] {
  switch (command.type) {
    case 'RegisterGroup':
      return registerGroup(command, state);
    case 'UpdateGroup':
      return updateGroup(command, state);
    case 'DeleteGroup':
      return deleteGroup(command, state);
    case 'RegisterRocketmqInstance':
      return registerRocketmqInstance(command, state);
    case 'UpdateRocketmqInstance':
      return updateRocketmqInstance(command, state, context);
    case 'DeleteRocketmqInstance':
      return deleteRocketmqInstance(command, state);
    case 'SetDeviceCredentials':
      return setDeviceCredentials(command, state);
    case 'RemoveDeviceCredentials':
      return removeDeviceCredentials(command, state);
    case 'SetTopicPermissions':
      return setTopicPermissions(command, state);
    case 'RemoveTopicPermissions':
      return removeTopicPermissions(command, state);
    case 'CreateAccessKey':
      return createAccessKey(command, state);
    case 'DeleteAccessKey':
      return deleteAccessKey(command, state);
    case 'CreateRule':
      return createRule(command, state, context);
    case 'UpdateRule':
      return updateRule(command, state, context);
    case 'EnableRule':
      return enableRule(command, state);
    case 'DisableRule':
      return disableRule(command, state);
    case 'DeleteRule':
      return deleteRule(command, state);
    default: {
      const unknown: never = command;
      return unknown;
    }
  }
}

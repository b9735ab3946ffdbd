import type { ControlPlaneCommand, ControlPlaneContext } from './control-plane.commands.js';
import type { ControlPlaneEvent } from './control-plane.events.js';
import type { ControlPlaneState } from './control-plane.state.js';
import { createRule } from './create-rule.decider.js';
import { registerGroup } from './register-group.decider.js';
import { registerRocketmqInstance } from './register-rocketmq-instance.decider.js';
import { deleteRule, disableRule, enableRule, updateRule } from './rule-lifecycle.decider.js';

/** decide(command, state) → events, or a thrown RulesError. Pure: no clock, no I/O. */
export function decideControlPlane(
  command: ControlPlaneCommand,
  state: ControlPlaneState,
  context: ControlPlaneContext,
): ControlPlaneEvent[] {
  switch (command.type) {
    case 'RegisterGroup':
      return registerGroup(command, state, context);
    case 'RegisterRocketmqInstance':
      return registerRocketmqInstance(command, state, context);
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

import type { CommandBus } from '@nestjs/cqrs';
import type { Rule } from '#libs/rules';
import {
  ChangeControlPlane,
  expecting,
  type ExpectedVersions,
  type RequestContext,
} from '../control-plane/change-control-plane.command.js';

/** Enables, disables or deletes a rule: the rule afterwards (undefined once deleted). */
export async function changeRule(
  commandBus: CommandBus,
  type: 'EnableRule' | 'DisableRule' | 'DeleteRule',
  ruleId: string,
  versions: ExpectedVersions,
  context: RequestContext,
): Promise<Rule | undefined> {
  const { state } = await commandBus.execute(
    new ChangeControlPlane({ type, data: { ruleId, ...expecting(versions) } }, context),
  );
  return state.rules[ruleId];
}

import type { CommandBus } from '@nestjs/cqrs';
import type { Rule } from '#libs/rules';
import {
  ChangeControlPlane,
  expecting,
  type ExpectedVersions,
  type RequestContext,
} from '../control-plane/change-control-plane.command.js';

/** Everything but the rule ID; all create checks run again. */
export async function editRule(
  commandBus: CommandBus,
  ruleId: string,
  input: unknown,
  versions: ExpectedVersions,
  context: RequestContext,
): Promise<{ rule: Rule; warnings: string[] }> {
  const { state, warnings } = await commandBus.execute(
    new ChangeControlPlane({ type: 'UpdateRule', data: { ruleId, input, ...expecting(versions) } }, context),
  );
  return { rule: state.rules[ruleId]!, warnings };
}

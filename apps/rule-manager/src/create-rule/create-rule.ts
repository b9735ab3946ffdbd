import type { CommandBus } from '@nestjs/cqrs';
import type { Rule, RuleCreated } from '#libs/rules';
import { ChangeControlPlane, type RequestContext } from '../control-plane/change-control-plane.command.js';

/** Creates a rule from a caller's definition (REST body, gRPC RuleInput): the rule as stored, and warnings. */
export async function createRule(
  commandBus: CommandBus,
  input: unknown,
  context: RequestContext,
): Promise<{ rule: Rule; warnings: string[] }> {
  const { events, state, warnings } = await commandBus.execute(
    new ChangeControlPlane({ type: 'CreateRule', data: { input } }, context),
  );
  return { rule: state.rules[(events[0] as RuleCreated).data.ruleId]!, warnings };
}

import { Injectable } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { existingRule, type Rule } from '#libs/rules';
import { changeRule } from '../change-rule-status/change-rule.js';
import { ControlPlaneRepository } from '../control-plane/control-plane.repository.js';
import type { ExpectedVersions } from '../control-plane/change-control-plane.command.js';
import { createRule } from '../create-rule/create-rule.js';
import { editRule } from '../edit-rule/edit-rule.js';
import { ruleRepresentation } from '../http/representations.js';
import { listRules } from '../list-rules/list-rules.query.js';
import { ReadControlPlane } from '../read-model/read-control-plane.query.js';
import { readRuleHistory } from '../rule-history/rule-history.query.js';
import { read, write, type Methods } from './grpc-call.js';

/** uint64 fields arrive as strings. */
const versions = (expected: string | undefined): ExpectedVersions =>
  expected === undefined ? undefined : [Number(expected)];

const change = ({ rule, warnings }: { rule: Rule; warnings: string[] }) => ({
  rule: ruleRepresentation(rule),
  warnings,
});

/** A value of the history's changes as text: they are strings, but a proto field has one type. */
const text = (value: unknown) =>
  value === undefined || typeof value === 'string' ? value : JSON.stringify(value);

/** mqtt_status_relay.v1.RuleService over the same commands and queries as the REST rules API. */
@Injectable()
export class RulesGrpcService {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly queryBus: QueryBus,
    private readonly repository: ControlPlaneRepository,
  ) {}

  readonly methods: Methods = {
    CreateRule: write(async ({ rule }, context) => change(await createRule(this.commandBus, rule, context))),
    GetRule: read(async ({ ruleId }) => ruleRepresentation(existingRule(await this.controlPlane(), ruleId))),
    ListRules: read(async (query) => listRules(await this.controlPlane(), query)),
    UpdateRule: write(async ({ ruleId, rule, expectedVersion }, context) =>
      change(await editRule(this.commandBus, ruleId, rule, versions(expectedVersion), context)),
    ),
    EnableRule: write(async ({ ruleId, expectedVersion }, context) =>
      ruleRepresentation(
        (await changeRule(this.commandBus, 'EnableRule', ruleId, versions(expectedVersion), context))!,
      ),
    ),
    DisableRule: write(async ({ ruleId, expectedVersion }, context) =>
      ruleRepresentation(
        (await changeRule(this.commandBus, 'DisableRule', ruleId, versions(expectedVersion), context))!,
      ),
    ),
    DeleteRule: write(async ({ ruleId, expectedVersion }, context) => {
      await changeRule(this.commandBus, 'DeleteRule', ruleId, versions(expectedVersion), context);
      return {};
    }),
    GetRuleHistory: read(async ({ ruleId }) => {
      const history = await readRuleHistory(this.repository, ruleId);
      const items = history.items.map(({ changes, ...entry }) => ({
        ...entry,
        changes: Object.fromEntries(
          Object.entries(changes).map(([field, { before, after }]) => [
            field,
            { before: text(before), after: text(after) },
          ]),
        ),
      }));
      return { ruleId: history.ruleId, items };
    }),
  };

  private controlPlane() {
    return this.queryBus.execute(new ReadControlPlane());
  }
}

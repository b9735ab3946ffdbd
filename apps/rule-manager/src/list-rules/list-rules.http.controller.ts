import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import * as z from 'zod';
import { RULE_STATUSES, type Rule } from '#libs/rules';
import { ReadControlPlane } from '../read-model/read-control-plane.query.js';
import { ruleRepresentation } from '../http/representations.js';
import { ApiResponse } from '@nestjs/swagger';
import { ApiQueries, count, filterParam, oneOfParam, parseParams } from '../http/query-params.js';
import { ApiCall, ApiResource } from '../http/api-docs.js';
import { listOf, RULE } from '../http/api-schemas.js';

/** `page` from 1, `pageSize` 1–100 (default 20), as the original console pages its rule list. */
const LIST_RULES_QUERY = z.object({
  page: count(1, Number.MAX_SAFE_INTEGER),
  pageSize: count(20, 100),
  status: oneOfParam(RULE_STATUSES, 'must be ENABLED or DISABLED').optional(),
  groupId: filterParam,
  instanceId: filterParam,
});

@ApiResource('rules')
@Controller('api/v1/rules')
export class ListRulesHttpController {
  constructor(private readonly queryBus: QueryBus) {}

  /** Filters by source group, status and target instance; sorted by rule ID. */
  @Get()
  @ApiCall('List rules, filtered and paged', 400)
  @ApiQueries(LIST_RULES_QUERY)
  @ApiResponse({ status: 200, schema: listOf(RULE) })
  async list(@Query() given: unknown) {
    const { page, pageSize, ...query } = parseParams(LIST_RULES_QUERY, given);
    const state = await this.queryBus.execute(new ReadControlPlane());
    const matches = (rule: Rule) =>
      (query.groupId === undefined || rule.source.groupId === query.groupId) &&
      (query.status === undefined || rule.status === query.status) &&
      (query.instanceId === undefined || rule.target.instanceId === query.instanceId);
    const rules = Object.values(state.rules)
      .filter(matches)
      .sort((a, b) => a.ruleId.localeCompare(b.ruleId));
    const items = rules.slice((page - 1) * pageSize, page * pageSize).map(ruleRepresentation);
    return { items, total: rules.length, page, pageSize };
  }
}

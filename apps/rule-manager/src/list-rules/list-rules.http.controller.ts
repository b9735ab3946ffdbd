import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { RulesError, type Rule } from '#libs/rules';
import { ReadControlPlane } from '../read-model/read-control-plane.query.js';
import { ruleRepresentation } from '../http/representations.js';
import { ApiQuery, ApiResponse } from '@nestjs/swagger';
import { countParam } from '../http/query-params.js';
import { ApiCall, ApiResource } from '../http/api-docs.js';
import { listOf, RULE } from '../http/api-schemas.js';

interface ListRulesQuery {
  groupId?: string;
  status?: string;
  instanceId?: string;
  page?: string;
  pageSize?: string;
}

/** `page` from 1, `pageSize` 1–100 (default 20), as the original console pages its rule list. */
function paging(query: ListRulesQuery): { page: number; pageSize: number } {
  return {
    page: countParam(query.page, 'page', 1, Number.MAX_SAFE_INTEGER),
    pageSize: countParam(query.pageSize, 'pageSize', 20, 100),
  };
}

@ApiResource('rules')
@Controller('api/v1/rules')
export class ListRulesHttpController {
  constructor(private readonly queryBus: QueryBus) {}

  /** Filters by source group, status and target instance; sorted by rule ID. */
  @Get()
  @ApiCall('List rules, filtered and paged', 400)
  @ApiQuery({ name: 'groupId', required: false })
  @ApiQuery({ name: 'status', required: false, enum: ['ENABLED', 'DISABLED'] })
  @ApiQuery({ name: 'instanceId', required: false })
  @ApiQuery({ name: 'page', required: false, example: 1 })
  @ApiQuery({ name: 'pageSize', required: false, example: 20 })
  @ApiResponse({ status: 200, schema: listOf(RULE) })
  async list(@Query() query: ListRulesQuery) {
    const { page, pageSize } = paging(query);
    if (query.status !== undefined && !['ENABLED', 'DISABLED'].includes(query.status)) {
      throw RulesError.of('VALIDATION_FAILED', 'status', 'enum', 'status must be ENABLED or DISABLED');
    }
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

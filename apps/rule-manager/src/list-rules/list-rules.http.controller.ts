import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ReadControlPlane } from '../read-model/read-control-plane.query.js';
import { ApiResponse } from '@nestjs/swagger';
import { ApiQueries } from '../http/query-params.js';
import { ApiCall, ApiResource } from '../http/api-docs.js';
import { listOf, RULE } from '../http/api-schemas.js';
import { LIST_RULES_QUERY, listRules } from './list-rules.query.js';

@ApiResource('rules')
@Controller('api/v1/rules')
export class ListRulesHttpController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get()
  @ApiCall('List rules, filtered and paged', 400)
  @ApiQueries(LIST_RULES_QUERY)
  @ApiResponse({ status: 200, schema: listOf(RULE) })
  async list(@Query() given: unknown) {
    return listRules(await this.queryBus.execute(new ReadControlPlane()), given);
  }
}

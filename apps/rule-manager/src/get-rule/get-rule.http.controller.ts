import { Controller, Get, Param, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import type { Response } from 'express';
import { existingRule } from '#libs/rules';
import { ReadControlPlane } from '../read-model/read-control-plane.query.js';
import { ruleRepresentation } from '../http/representations.js';
import { ApiResponse } from '@nestjs/swagger';
import { ApiCall, ApiResource } from '../http/api-docs.js';
import { RULE } from '../http/api-schemas.js';

@ApiResource('rules')
@Controller('api/v1/rules')
export class GetRuleHttpController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get(':ruleId')
  @ApiCall('Get a rule; its version is also the ETag', 404)
  @ApiResponse({ status: 200, schema: RULE })
  async get(@Param('ruleId') ruleId: string, @Res({ passthrough: true }) response: Response) {
    const state = await this.queryBus.execute(new ReadControlPlane());
    const rule = existingRule(state, ruleId);
    response.setHeader('ETag', `"${rule.version}"`);
    return ruleRepresentation(rule);
  }
}

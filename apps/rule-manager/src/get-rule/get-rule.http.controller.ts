import { Controller, Get, Param, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import type { Response } from 'express';
import { existingRule } from '#libs/rules';
import { ReadControlPlane } from '../control-plane/read-control-plane.query.js';
import { ruleRepresentation } from '../http/representations.js';

@Controller('api/v1/rules')
export class GetRuleHttpController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get(':ruleId')
  async get(@Param('ruleId') ruleId: string, @Res({ passthrough: true }) response: Response) {
    const state = await this.queryBus.execute(new ReadControlPlane());
    const rule = existingRule(state, ruleId);
    response.setHeader('ETag', `"${rule.version}"`);
    return ruleRepresentation(rule);
  }
}

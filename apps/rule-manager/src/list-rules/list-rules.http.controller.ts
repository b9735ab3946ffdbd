import { Controller, Get } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ReadControlPlane } from '../control-plane/read-control-plane.query.js';
import { ruleRepresentation } from '../http/representations.js';

@Controller('api/v1/rules')
export class ListRulesHttpController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get()
  async list() {
    const state = await this.queryBus.execute(new ReadControlPlane());
    const items = Object.values(state.rules)
      .sort((a, b) => a.ruleId.localeCompare(b.ruleId))
      .map(ruleRepresentation);
    return { items, total: items.length };
  }
}

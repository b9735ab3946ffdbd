import { Controller, Get, Param } from '@nestjs/common';
import { ControlPlaneRepository } from '../control-plane/control-plane.repository.js';
import { ApiResponse } from '@nestjs/swagger';
import { ApiCall, ApiResource } from '../http/api-docs.js';
import { readRuleHistory } from './rule-history.query.js';

@ApiResource('rules')
@Controller('api/v1/rules')
export class RuleHistoryHttpController {
  constructor(private readonly repository: ControlPlaneRepository) {}

  /** Every event of the rule (both lives of a reused rule ID) with actor, time, correlation ID and changes. */
  @Get(':ruleId/history')
  @ApiCall('Every event of a rule with actor, time, correlation ID and changes', 404)
  @ApiResponse({
    status: 200,
    schema: {
      type: 'object',
      example: {
        ruleId: 'device-status',
        items: [
          {
            version: 6,
            type: 'RuleDisabled',
            occurredAt: '2026-11-25T10:00:00.000Z',
            actor: 'ops',
            correlationId: 'c-1',
            changes: { status: { before: 'ENABLED', after: 'DISABLED' } },
          },
        ],
      },
    },
  })
  async history(@Param('ruleId') ruleId: string) {
    return readRuleHistory(this.repository, ruleId);
  }
}

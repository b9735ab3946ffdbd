import { Controller, Get, Param } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { rocketmqInstanceHistory, RulesError } from '#libs/rules';
import { ControlPlaneRepository } from '../control-plane/control-plane.repository.js';
import { ApiCall, ApiResource } from '../http/api-docs.js';
import { historyRepresentation } from '../http/representations.js';

@ApiResource('rocketmq-instances')
@Controller('api/v1/rocketmq-instances')
export class RocketmqInstanceHistoryHttpController {
  constructor(private readonly repository: ControlPlaneRepository) {}

  /** Every event of the instance with actor, time and changes: a change of kind, endpoints ↔ nameServer. */
  @Get(':instanceId/history')
  @ApiCall(
    'Every event of a RocketMQ instance with actor, time, correlation ID and changes (never the secret)',
    404,
  )
  @ApiResponse({
    status: 200,
    schema: {
      type: 'object',
      example: {
        instanceId: 'rmq-prod',
        items: [
          {
            version: 9,
            type: 'RocketmqInstanceUpdated',
            occurredAt: '2026-12-03T10:00:00.000Z',
            actor: 'ops',
            changes: {
              endpoints: { before: 'rmq-proxy.internal:8081' },
              nameServer: { after: 'ns1.internal:9876;ns2.internal:9876' },
            },
          },
        ],
      },
    },
  })
  async history(@Param('instanceId') instanceId: string) {
    const entries = rocketmqInstanceHistory(await this.repository.audited(), instanceId);
    if (entries.length === 0)
      throw RulesError.of(
        'ROCKETMQ_INSTANCE_NOT_FOUND',
        'instanceId',
        'exists',
        `RocketMQ instance ${instanceId} never existed`,
      );
    return { instanceId, items: entries.map(historyRepresentation) };
  }
}

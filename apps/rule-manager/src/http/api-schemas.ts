import type { ApiResponseSchemaHost } from '@nestjs/swagger';
import * as z from 'zod';
import { GROUP_INPUT, ROCKETMQ_INSTANCE_INPUT, RULE_INPUT } from '#libs/rules';

/** The OpenAPI schema object type (not exported by @nestjs/swagger under its own name). */
type SchemaObject = Exclude<ApiResponseSchemaHost['schema'], { $ref: string }>;

/**
 * The OpenAPI schema of a body or parameter is generated from the zod schema that validates it (its input side:
 * what a client sends), so the document cannot drift from the checks. Custom checks have no JSON Schema form and
 * add nothing to it.
 */
export function openApiSchema(schema: z.ZodType): SchemaObject {
  const options = { target: 'openapi-3.0', io: 'input', unrepresentable: 'any' } as const;
  const { $schema: _, ...generated } = z.toJSONSchema(schema, options);
  return generated as SchemaObject;
}

export const bodySchema = (schema: z.ZodType, example?: Record<string, unknown>): SchemaObject => ({
  ...openApiSchema(schema),
  ...(example && { example }),
});

export const RULE_EXAMPLE = {
  ruleId: 'device-status',
  description: 'online/offline of the fleet to the session service',
  status: 'ENABLED',
  ruleType: 'CLIENT_STATUS_NOTIFY',
  source: { groupId: 'GID_fleet' },
  target: { serviceType: 'ROCKETMQ', instanceId: 'rmq-local', topic: 'device-status' },
};

export const RULE_BODY = bodySchema(RULE_INPUT, RULE_EXAMPLE);

export const RULE: SchemaObject = {
  type: 'object',
  properties: {
    ...RULE_BODY.properties,
    version: { type: 'integer', description: 'also the ETag; send it as If-Match' },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
    warnings: {
      type: 'array',
      items: { type: 'string' },
      description: 'e.g. the target topic could not be checked',
    },
  },
  example: {
    ...RULE_EXAMPLE,
    version: 4,
    createdAt: '2026-11-25T10:00:00.000Z',
    updatedAt: '2026-11-25T10:00:00.000Z',
  },
};

export const GROUP_BODY = bodySchema(GROUP_INPUT, { groupId: 'GID_fleet', description: 'delivery vans' });

export const ROCKETMQ_INSTANCE_BODY = bodySchema(ROCKETMQ_INSTANCE_INPUT, {
  instanceId: 'rmq-local',
  region: 'local',
  endpoints: '127.0.0.1:8081',
});

export const PROBLEM: SchemaObject = {
  type: 'object',
  description: 'RFC 9457 problem details (application/problem+json)',
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    code: { type: 'string' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        properties: { field: { type: 'string' }, rule: { type: 'string' }, message: { type: 'string' } },
      },
    },
    instance: { type: 'string' },
    retainedSince: {
      type: 'string',
      format: 'date-time',
      description: 'RANGE_PAST_RETENTION: the oldest presence event still stored (older ones were removed)',
    },
  },
  example: {
    type: 'urn:mqtt-status-relay:problem:group-already-has-rule',
    title: 'Conflict',
    status: 409,
    detail:
      'group GID_fleet already has a client status notification rule: device-status (disabled rules count)',
    code: 'GROUP_ALREADY_HAS_RULE',
    errors: [{ field: 'source.groupId', rule: 'one-rule-per-group', message: '…' }],
    instance: '/api/v1/rules',
  },
};

export const listOf = (item: SchemaObject): SchemaObject => ({
  type: 'object',
  properties: { items: { type: 'array', items: item }, total: { type: 'integer' } },
});

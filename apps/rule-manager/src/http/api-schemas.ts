import type { ApiResponseSchemaHost } from '@nestjs/swagger';

/** The OpenAPI schema object type (not exported by @nestjs/swagger under its own name). */
type SchemaObject = Exclude<ApiResponseSchemaHost['schema'], { $ref: string }>;

/** OpenAPI schemas and examples of the bodies; the checks themselves live in the rules lib. */

export const RULE_EXAMPLE = {
  ruleId: 'device-status',
  description: 'online/offline of the fleet to the session service',
  status: 'ENABLED',
  ruleType: 'CLIENT_STATUS_NOTIFY',
  source: { groupId: 'GID_fleet' },
  target: { serviceType: 'ROCKETMQ', instanceId: 'rmq-local', topic: 'device-status' },
};

export const RULE_INPUT: SchemaObject = {
  type: 'object',
  required: ['ruleId', 'status', 'ruleType', 'source', 'target'],
  properties: {
    ruleId: {
      type: 'string',
      description: '3–64 of [A-Za-z0-9_-] with a letter or digit; longer input is truncated to 64',
    },
    description: { type: 'string', maxLength: 256 },
    status: { type: 'string', enum: ['ENABLED', 'DISABLED'] },
    ruleType: {
      type: 'string',
      enum: ['CLIENT_STATUS_NOTIFY'],
      description: 'DATA_OUTBOUND / DATA_INBOUND answer 422',
    },
    source: {
      type: 'object',
      required: ['groupId'],
      properties: { groupId: { type: 'string', pattern: '^GID[_-][A-Za-z0-9_-]{3,60}$' } },
    },
    target: {
      type: 'object',
      required: ['serviceType', 'instanceId', 'topic'],
      properties: {
        serviceType: { type: 'string', enum: ['ROCKETMQ'] },
        instanceId: { type: 'string', pattern: '^[A-Za-z0-9_-]{3,64}$' },
        topic: { type: 'string', pattern: '^(?!CID|GID)[A-Za-z0-9_-]{3,64}$' },
      },
    },
  },
  example: RULE_EXAMPLE,
};

export const RULE: SchemaObject = {
  type: 'object',
  properties: {
    ...RULE_INPUT.properties,
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

export const GROUP_INPUT: SchemaObject = {
  type: 'object',
  required: ['groupId'],
  properties: {
    groupId: { type: 'string', pattern: '^GID[_-][A-Za-z0-9_-]{3,60}$' },
    description: { type: 'string', maxLength: 256 },
  },
  example: { groupId: 'GID_fleet', description: 'delivery vans' },
};

export const ROCKETMQ_INSTANCE_INPUT: SchemaObject = {
  type: 'object',
  required: ['instanceId', 'region', 'endpoints'],
  properties: {
    instanceId: { type: 'string', pattern: '^[A-Za-z0-9_-]{3,64}$' },
    region: { type: 'string', description: 'must be this MQTT instance’s region for rules to use it' },
    endpoints: { type: 'string', description: 'gRPC proxy address host:port' },
    namespace: { type: 'string' },
    accessKey: { type: 'string' },
    secretKey: { type: 'string', writeOnly: true, description: 'stored encrypted, never returned' },
    tls: { type: 'boolean' },
  },
  example: { instanceId: 'rmq-local', region: 'local', endpoints: '127.0.0.1:8081' },
};

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

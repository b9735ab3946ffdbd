import { afterAll, beforeAll, expect, it } from '@jest/globals';
import * as z from 'zod';
import {
  ACCESS_KEY_INPUT,
  DEVICE_CREDENTIALS_INPUT,
  GROUP_INPUT,
  parseInput,
  ROCKETMQ_INSTANCE_INPUT,
  RULE_INPUT,
  TOPIC_PERMISSIONS_INPUT,
  type RulesError,
} from '#libs/rules';
import { RULE_EXAMPLE } from '../src/http/api-schemas.js';
import { startRuleManager } from './support/rule-manager-harness.js';

/** The OpenAPI document is generated from the code and lists every route the app serves. */
let api: Awaited<ReturnType<typeof startRuleManager>>;

beforeAll(async () => {
  api = await startRuleManager();
});

afterAll(() => api.stop());

/** The routes Express really serves, as `METHOD /path/{param}`, without the documentation's own and /metrics. */
function servedRoutes(): string[] {
  const router = (
    api.app.getHttpAdapter().getInstance() as {
      router: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] };
    }
  ).router;
  return router.stack
    .flatMap((layer) =>
      layer.route
        ? Object.keys(layer.route.methods).map((method) => `${method.toUpperCase()} ${layer.route!.path}`)
        : [],
    )
    .filter((route) => !route.includes('/api/docs') && route !== 'GET /metrics')
    .map((route) => route.replace(/(?<!\\):(\w+)/g, '{$1}').replace(/\\:/g, ':'))
    .sort();
}

it('documents every served route, with examples, at /api/docs', async () => {
  const response = await fetch(`${api.base}/api/docs/openapi.json`);
  expect(response.status).toBe(200);
  const document = (await response.json()) as { paths: Record<string, Record<string, any>>; components: any };
  const documented = Object.entries(document.paths)
    .flatMap(([path, operations]) =>
      Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
    )
    .sort();
  expect(documented).toEqual(servedRoutes());
  expect(documented).toHaveLength(45); // 44 API routes and /health
  expect(
    document.paths['/api/v1/rules']!['post'].requestBody.content['application/json'].schema.example,
  ).toMatchObject({
    ruleType: 'CLIENT_STATUS_NOTIFY',
  });
  expect(Object.keys(document.paths['/api/v1/rules/{ruleId}']!['put'].responses).sort()).toEqual([
    '200',
    '400',
    '401',
    '403',
    '404',
    '409',
    '412',
    '422',
  ]);
  expect(document.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  expect((await fetch(`${api.base}/api/docs`)).status).toBe(200);
});

/** Each body's documented schema is the one validation uses: a field it marks required is refused when missing. */
const BODIES: [string, string, z.ZodType, Record<string, unknown>][] = [
  ['/api/v1/rules', 'post', RULE_INPUT, RULE_EXAMPLE],
  ['/api/v1/rules/{ruleId}', 'put', RULE_INPUT, RULE_EXAMPLE],
  ['/api/v1/groups', 'post', GROUP_INPUT, { groupId: 'GID_fleet' }],
  [
    '/api/v1/rocketmq-instances',
    'post',
    ROCKETMQ_INSTANCE_INPUT,
    { instanceId: 'rmq', region: 'r', endpoints: 'h:1' },
  ],
  [
    '/api/v1/rocketmq-instances',
    'post',
    ROCKETMQ_INSTANCE_INPUT,
    { instanceId: 'rmq', region: 'r', nameServer: 'h:1;h:2' },
  ],
  [
    '/api/v1/groups/{groupId}/credentials',
    'put',
    DEVICE_CREDENTIALS_INPUT,
    { username: 'u', password: '12345678' },
  ],
  [
    '/api/v1/groups/{groupId}/topic-permissions',
    'put',
    TOPIC_PERMISSIONS_INPUT,
    { publish: [], subscribe: [] },
  ],
  ['/api/v1/access-keys', 'post', ACCESS_KEY_INPUT, {}],
];

it.each(BODIES)(
  'documents the body of %s %s with the schema that checks it',
  async (path, method, schema, valid) => {
    const document = (await (await fetch(`${api.base}/api/docs/openapi.json`)).json()) as {
      paths: Record<string, Record<string, any>>;
    };
    const { example, ...documented } =
      document.paths[path]![method].requestBody.content['application/json'].schema;
    const { $schema: _, ...generated } = z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input' });
    expect(documented).toEqual(generated);
    expect(parseInput(schema, example)).toBeTruthy();
    // `oneOf` alternatives (exactly one address of an instance): the one this body takes is required too, and
    // leaving it out is refused as the first alternative missing.
    const alternatives = (documented['oneOf'] ?? []) as { required: string[] }[];
    const alike = (field: string) =>
      alternatives.some((alternative) => alternative.required.includes(field))
        ? alternatives.flatMap((alternative) => alternative.required)
        : [field];
    const refusedWhenMissing = Object.keys(valid).filter((field) => {
      const { [field]: _, ...without } = valid;
      try {
        parseInput(schema, without);
        return false;
      } catch (error) {
        return (error as RulesError).violations.some(
          (v) => alike(field).includes(v.field) && v.rule === 'required',
        );
      }
    });
    const required = [
      ...(documented['required'] ?? []),
      ...alternatives.flatMap((alternative) => alternative.required.filter((field) => field in valid)),
    ];
    expect(required).toEqual(expect.arrayContaining(refusedWhenMissing));
    expect(refusedWhenMissing).toEqual(expect.arrayContaining(required));
    expect(documented['additionalProperties']).toBe(false);
  },
);

it('documents query parameters from the schemas that parse them', async () => {
  const document = (await (await fetch(`${api.base}/api/docs/openapi.json`)).json()) as {
    paths: Record<string, Record<string, { parameters: { in: string; name: string; [key: string]: any }[] }>>;
  };
  const query = (path: string) =>
    Object.fromEntries(
      document.paths[path]!['get']!.parameters.filter((p) => p.in === 'query').map((p) => [p.name, p]),
    );
  const rules = query('/api/v1/rules');
  expect(Object.keys(rules).sort()).toEqual(['groupId', 'instanceId', 'page', 'pageSize', 'status']);
  expect(rules['status']).toMatchObject({ required: false, schema: { enum: ['ENABLED', 'DISABLED'] } });
  expect(query('/api/v1/notifications')['ruleId']).toMatchObject({ required: true });
  expect(rules['pageSize']!['schema'].description).toContain('a whole number from 1 to 100');
  const refused = await api.call('GET', '/api/v1/rules?pageSize=101');
  expect(refused.body['errors']).toEqual([
    { field: 'pageSize', rule: 'range', message: 'pageSize must be a whole number from 1 to 100' },
  ]);
});

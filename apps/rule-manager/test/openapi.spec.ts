import { afterAll, beforeAll, expect, it } from '@jest/globals';
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
  expect(documented).toHaveLength(43); // 42 API routes and /health
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

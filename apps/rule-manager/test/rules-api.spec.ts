import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ruleBody as rule, startRuleManager, UNREACHABLE_ROCKETMQ } from './support/rule-manager-harness.js';

/** The rules API over HTTP against a real SQLite event store: formats, checks, problem details, nothing written. */
let api: Awaited<ReturnType<typeof startRuleManager>>;
let call: typeof api.call;
let store: typeof api.store;

beforeAll(async () => {
  api = await startRuleManager({ MAX_RULES_PER_INSTANCE: '3' });
  ({ call, store } = api);
  await call('POST', '/api/v1/groups', { groupId: 'GID_api' });
  await call('POST', '/api/v1/groups', { groupId: 'GID_api2' });
  await call('POST', '/api/v1/rocketmq-instances', {
    instanceId: 'rmq-api',
    region: 'local',
    endpoints: UNREACHABLE_ROCKETMQ,
  });
});

afterAll(() => api.stop());

describe('rules API', () => {
  it('creates a rule: 201, Location, ETag and the stored rule', async () => {
    const created = await call(
      'POST',
      '/api/v1/rules',
      rule('rule-a', 'GID_api', { description: 'to the backend' }),
    );
    expect(created.status).toBe(201);
    expect(created.location).toBe('/api/v1/rules/rule-a');
    expect(created.etag).toBe('"4"');
    expect(created.body).toMatchObject({ ...rule('rule-a'), description: 'to the backend', version: 4 });
    expect(created.body['createdAt']).toMatch(/^\d{4}-\d\d-\d\dT/);
    // nothing listens at the instance's endpoints: the rule is kept, with a warning that its topic was not checked
    const { warnings, ...stored } = created.body;
    expect(warnings).toEqual([expect.stringContaining('topic status-topic was not checked')]);
    expect((await call('GET', '/api/v1/rules')).body).toEqual({
      items: [stored],
      total: 1,
      page: 1,
      pageSize: 20,
    });
    expect((await call('GET', '/api/v1/rules/rule-a')).body).toEqual(stored);
  });

  it('answers a broken body with a problem naming each field and rule, and writes nothing', async () => {
    const before = await store.headPosition();
    const refused = await call('POST', '/api/v1/rules', {
      ...rule('x'),
      target: { serviceType: 'KAFKA', instanceId: 'rmq-api', topic: 'CID_bad' },
    });
    expect(refused.status).toBe(400);
    expect(refused.type).toContain('application/problem+json');
    expect(refused.body).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    expect(
      refused.body['errors'].map((e: { field: string; rule: string }) => `${e.field}:${e.rule}`),
    ).toEqual(['ruleId:pattern', 'target.serviceType:enum', 'target.topic:pattern']);
    expect(await store.headPosition()).toBe(before);
  });

  it('refuses a second rule for the same group with 409, naming the rule that has it', async () => {
    const refused = await call('POST', '/api/v1/rules', rule('rule-b'));
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({
      code: 'GROUP_ALREADY_HAS_RULE',
      errors: [{ field: 'source.groupId' }],
    });
    expect(refused.body['detail']).toContain('rule-a');
  });

  it('truncates a long rule ID to 64 characters', async () => {
    const created = await call('POST', '/api/v1/rules', rule('t'.repeat(80), 'GID_api2'));
    expect(created.status).toBe(201);
    expect(created.body['ruleId']).toBe('t'.repeat(64));
  });

  it('answers 422 for an unknown group or a data rule, 404 for an unknown rule', async () => {
    expect((await call('POST', '/api/v1/rules', rule('rule-c', 'GID_nobody'))).body).toMatchObject({
      status: 422,
      code: 'SOURCE_GROUP_NOT_FOUND',
    });
    expect(
      (await call('POST', '/api/v1/rules', rule('rule-c', 'GID_api', { ruleType: 'DATA_INBOUND' }))).body,
    ).toMatchObject({
      status: 422,
      code: 'RULE_TYPE_NOT_SUPPORTED',
    });
    expect((await call('GET', '/api/v1/rules/none')).body).toMatchObject({
      status: 404,
      code: 'RULE_NOT_FOUND',
    });
  });

  it('answers malformed JSON with a 400 problem', async () => {
    const refused = await call('POST', '/api/v1/rules', '{"ruleId": ');
    expect(refused.status).toBe(400);
    expect(refused.type).toContain('application/problem+json');
  });

  it('never returns or stores the RocketMQ secret key in clear', async () => {
    const created = await call('POST', '/api/v1/rocketmq-instances', {
      instanceId: 'rmq-secret',
      region: 'local',
      endpoints: UNREACHABLE_ROCKETMQ,
      accessKey: 'AK123',
      secretKey: 'very-secret-value',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ instanceId: 'rmq-secret', accessKey: 'AK123', secretKeySet: true });
    expect(JSON.stringify(created.body)).not.toContain('very-secret-value');
    const stored = await store.readAll(0, { limit: 1000 });
    expect(JSON.stringify(stored)).not.toContain('very-secret-value');
  });

  it('filters the list by group, status and instance, and pages it', async () => {
    const all = await call('GET', '/api/v1/rules');
    expect(all.body['total']).toBe(2);
    const byGroup = await call('GET', '/api/v1/rules?groupId=GID_api2');
    expect(byGroup.body['items'].map((r: { ruleId: string }) => r.ruleId)).toEqual(['t'.repeat(64)]);
    expect((await call('GET', '/api/v1/rules?status=DISABLED')).body['total']).toBe(0);
    expect((await call('GET', '/api/v1/rules?instanceId=rmq-api')).body['total']).toBe(2);
    const second = await call('GET', '/api/v1/rules?page=2&pageSize=1');
    expect(second.body).toMatchObject({
      total: 2,
      page: 2,
      pageSize: 1,
      items: [{ ruleId: 't'.repeat(64) }],
    });
    expect((await call('GET', '/api/v1/rules?pageSize=500')).body).toMatchObject({
      status: 400,
      errors: [{ field: 'pageSize', rule: 'range' }],
    });
  });
});

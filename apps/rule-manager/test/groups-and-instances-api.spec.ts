import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ruleBody, startRuleManager, UNREACHABLE_ROCKETMQ } from './support/rule-manager-harness.js';

/** Groups and RocketMQ instances over HTTP: list, get, update, delete, and 409 while a rule uses them. */
let api: Awaited<ReturnType<typeof startRuleManager>>;

beforeAll(async () => {
  api = await startRuleManager();
  await api.call('POST', '/api/v1/groups', { groupId: 'GID_api', description: 'first' });
  await api.call('POST', '/api/v1/groups', { groupId: 'GID_spare' });
  await api.call('POST', '/api/v1/rocketmq-instances', {
    instanceId: 'rmq-api',
    region: 'local',
    endpoints: UNREACHABLE_ROCKETMQ,
    accessKey: 'AK1',
    secretKey: 'first-secret-value',
  });
  await api.call('POST', '/api/v1/rocketmq-instances', {
    instanceId: 'rmq-spare',
    region: 'local',
    endpoints: UNREACHABLE_ROCKETMQ,
  });
  await api.call('POST', '/api/v1/rules', ruleBody('uses-them'));
});

afterAll(() => api.stop());

describe('groups', () => {
  it('lists and gets groups', async () => {
    const list = await api.call('GET', '/api/v1/groups');
    expect(list.body['items'].map((g: { groupId: string }) => g.groupId)).toEqual(['GID_api', 'GID_spare']);
    expect((await api.call('GET', '/api/v1/groups/GID_api')).body).toMatchObject({
      groupId: 'GID_api',
      description: 'first',
    });
    expect((await api.call('GET', '/api/v1/groups/GID_none')).body).toMatchObject({
      status: 404,
      code: 'GROUP_NOT_FOUND',
    });
  });

  it('updates a description', async () => {
    const updated = await api.call('PUT', '/api/v1/groups/GID_spare', { description: 'spare fleet' });
    expect(updated).toMatchObject({
      status: 200,
      body: { groupId: 'GID_spare', description: 'spare fleet' },
    });
  });

  it('answers 409 naming the rule when a used group is deleted, and deletes an unused one', async () => {
    const refused = await api.call('DELETE', '/api/v1/groups/GID_api');
    expect(refused.body).toMatchObject({ status: 409, code: 'GROUP_IN_USE' });
    expect(refused.body['detail']).toContain('uses-them');
    expect((await api.call('DELETE', '/api/v1/groups/GID_spare')).status).toBe(204);
    expect((await api.call('GET', '/api/v1/groups/GID_spare')).status).toBe(404);
  });
});

describe('RocketMQ instances', () => {
  it('lists them without any secret', async () => {
    const list = await api.call('GET', '/api/v1/rocketmq-instances');
    expect(list.body['items']).toEqual([
      expect.objectContaining({ instanceId: 'rmq-api', accessKey: 'AK1', secretKeySet: true }),
      expect.objectContaining({ instanceId: 'rmq-spare', tls: false }),
    ]);
    expect(JSON.stringify(list.body)).not.toContain('first-secret-value');
  });

  it('updates endpoints and TLS and keeps the credentials when none are given', async () => {
    const updated = await api.call('PUT', '/api/v1/rocketmq-instances/rmq-api', {
      region: 'local',
      endpoints: 'rocketmq.internal:8081',
      tls: true,
    });
    expect(updated.body).toMatchObject({
      endpoints: 'rocketmq.internal:8081',
      tls: true,
      accessKey: 'AK1',
      secretKeySet: true,
    });
    const events = JSON.stringify(await api.store.readAll(0, { limit: 1000 }));
    expect(events).not.toContain('first-secret-value');
  });

  it('answers 409 naming the rules when a used instance is deleted', async () => {
    const refused = await api.call('DELETE', '/api/v1/rocketmq-instances/rmq-api');
    expect(refused.body).toMatchObject({ status: 409, code: 'ROCKETMQ_INSTANCE_IN_USE' });
    expect(refused.body['detail']).toContain('uses-them');
    expect((await api.call('DELETE', '/api/v1/rocketmq-instances/rmq-spare')).status).toBe(204);
    expect((await api.call('GET', '/api/v1/rocketmq-instances/rmq-spare')).body).toMatchObject({
      status: 404,
    });
  });
});

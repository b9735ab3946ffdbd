import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTopic } from '../../../test/support/rocketmq.js';
import { ruleBody, startRuleManager, UNREACHABLE_ROCKETMQ } from './support/rule-manager-harness.js';

/** The target topic is checked with a route query against the real RocketMQ started by the test setup. */
let api: Awaited<ReturnType<typeof startRuleManager>>;
const TOPIC = `checked-${Date.now()}`;
const target = (instanceId: string, topic: string) => ({ serviceType: 'ROCKETMQ', instanceId, topic });

beforeAll(async () => {
  await createTopic(TOPIC, { fifo: true });
  api = await startRuleManager();
  for (const groupId of ['GID_one', 'GID_two', 'GID_three'])
    await api.call('POST', '/api/v1/groups', { groupId });
  const endpoints = process.env['ROCKETMQ_ENDPOINT']!;
  await api.call('POST', '/api/v1/rocketmq-instances', {
    instanceId: 'rmq-real',
    region: 'local',
    endpoints,
  });
  await api.call('POST', '/api/v1/rocketmq-instances', {
    instanceId: 'rmq-down',
    region: 'local',
    endpoints: UNREACHABLE_ROCKETMQ,
  });
}, 60_000);

afterAll(() => api.stop());

describe('target topic check', () => {
  it('accepts a rule whose topic exists, without warnings', async () => {
    const created = await api.call(
      'POST',
      '/api/v1/rules',
      ruleBody('exists', 'GID_one', { target: target('rmq-real', TOPIC) }),
    );
    expect(created.status).toBe(201);
    expect(created.body['warnings']).toBeUndefined();
  });

  it('refuses a rule whose topic RocketMQ does not know, writing nothing', async () => {
    const before = await api.store.headPosition();
    const refused = await api.call(
      'POST',
      '/api/v1/rules',
      ruleBody('missing', 'GID_two', { target: target('rmq-real', 'no-such-topic') }),
    );
    expect(refused.body).toMatchObject({
      status: 422,
      code: 'TARGET_TOPIC_NOT_FOUND',
      errors: [{ field: 'target.topic' }],
    });
    expect(await api.store.headPosition()).toBe(before);
  });

  it('accepts a rule on an unreachable instance with a warning that the topic was not checked', async () => {
    const created = await api.call(
      'POST',
      '/api/v1/rules',
      ruleBody('unchecked', 'GID_three', { target: target('rmq-down', 'any-topic') }),
    );
    expect(created.status).toBe(201);
    expect(created.body['warnings']).toEqual([expect.stringContaining('topic any-topic was not checked')]);
  });
});

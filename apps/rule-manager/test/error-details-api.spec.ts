import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { ruleBody, startRuleManager, UNREACHABLE_ROCKETMQ } from './support/rule-manager-harness.js';

/**
 * The problems a client gets for bad input over HTTP (status, code, title, detail and each field with its rule
 * and message), pinned by a snapshot taken before validation moved to schemas: a changed word is a changed API.
 */
let api: Awaited<ReturnType<typeof startRuleManager>>;

beforeAll(async () => {
  api = await startRuleManager();
  await api.call('POST', '/api/v1/groups', { groupId: 'GID_errs' });
  const instance = { instanceId: 'rmq-errs', region: 'local', endpoints: UNREACHABLE_ROCKETMQ };
  await api.call('POST', '/api/v1/rocketmq-instances', instance);
  const target = { serviceType: 'ROCKETMQ', instanceId: 'rmq-errs', topic: 'errs-topic' };
  await api.call('POST', '/api/v1/rules', ruleBody('rule-errs', 'GID_errs', { target }));
});

afterAll(() => api.stop());

const badRule = { ...ruleBody('x', 'G'), extra: 1, status: 'on' };
const requests: [string, string, unknown?, Record<string, string>?][] = [
  ['POST', '/api/v1/rules', badRule],
  ['POST', '/api/v1/rules', { ...ruleBody('rule-data', 'GID_errs'), ruleType: 'DATA_OUTBOUND' }],
  ['POST', '/api/v1/rules', []],
  ['PUT', '/api/v1/rules/rule-errs', { ...badRule, ruleId: 'rule-other' }],
  ['PUT', '/api/v1/rules/rule-errs', ruleBody('rule-errs', 'GID_errs'), { 'if-match': 'v1' }],
  ['POST', '/api/v1/groups', { groupId: 'G', description: 5 }],
  ['PUT', '/api/v1/groups/GID_errs', { groupId: 'GID_other' }],
  ['POST', '/api/v1/rocketmq-instances', { instanceId: 'r', endpoints: 'x', accessKey: 'a', tls: 'y' }],
  ['PUT', '/api/v1/groups/GID_errs/credentials', { username: 'a b', password: 'short' }],
  ['PUT', '/api/v1/clients/nope/credentials', { username: 'u', password: 'long-enough' }],
  ['PUT', '/api/v1/groups/GID_errs/topic-permissions', { publish: ['a+'], subscribe: 'x' }],
  ['POST', '/api/v1/access-keys', { description: 5, name: 'n' }],
  ['GET', '/api/v1/rules?page=0'],
  ['GET', '/api/v1/rules?pageSize=101'],
  ['GET', '/api/v1/rules?page=1.5&pageSize=x'],
  ['GET', '/api/v1/rules?status=on'],
  ['GET', '/api/v1/notifications'],
  ['GET', '/api/v1/notifications?ruleId=a'],
  ['GET', '/api/v1/notifications?ruleId=rule-errs&from=yesterday'],
  ['GET', '/api/v1/notifications?ruleId=rule-errs&to=x'],
  ['GET', '/api/v1/notifications?ruleId=rule-errs&limit=1001'],
  ['GET', '/api/v1/dead-letters?ruleId=a%20b'],
  ['GET', '/api/v1/dead-letters?limit=0'],
  ['GET', '/api/v1/clients/GID_errs@@@van-1/trace?from=soon'],
  ['GET', '/api/v1/clients/not-a-client/trace'],
  ['GET', '/api/v1/clients/GID_x@@@/status'],
  ['POST', '/api/v1/clients/status:batch', { clientIds: [] }],
  ['POST', '/api/v1/clients/status:batch', { clientIds: 'GID_errs@@@a' }],
  ['POST', '/api/v1/clients/status:batch', { clientIds: ['GID_errs@@@a', 5, 'bad'] }],
  ['POST', '/api/v1/clients/status:batch', {}],
  ['GET', '/api/v1/groups/G/clients'],
  ['GET', '/api/v1/groups/GID_errs/clients?page=x'],
  ['GET', '/api/v1/groups/GID_errs/clients?pageSize=500'],
  ['POST', '/api/v1/rules/rule-errs/replay', {}],
  ['POST', '/api/v1/rules/rule-errs/replay', { from: true, to: 1 }],
  ['POST', '/api/v1/rules/rule-errs/replay', { from: 'later', to: 1 }],
  ['POST', '/api/v1/rules/rule-errs/replay', { from: 5, to: 1 }],
  ['POST', '/api/v1/rules/rule-errs/replay', { from: 1, to: 5, eventType: 'ping' }],
  ['POST', '/api/v1/rules/rule-errs/replay', { from: 1, to: 5, topic: 'GID_x' }],
  ['POST', '/api/v1/rules/rule-errs/replay', { from: 1, to: 5, topic: 7 }],
  ['POST', '/api/v1/rules/rule-errs/replay', { from: 1, to: 5, clientId: 'van' }],
  ['POST', '/api/v1/rules/rule-errs/replay', { from: 1, to: 5, clientId: 5 }],
  ['POST', '/api/v1/rules/rule-errs/enable', undefined, { 'if-match': '"x"' }],
  ['GET', '/api/v1/rules?page=1&page=2'],
  ['GET', '/api/v1/notifications?ruleId=rule-errs&from=1&from=x'],
  ['GET', '/api/v1/dead-letters?ruleId=a&ruleId=b'],
  ['POST', '/api/v1/rules/rule-errs/replay', { from: [1], to: 5 }],
  ['POST', '/api/v1/rules/rule-errs/replay', { from: 1, to: 5, eventType: 5 }],
  ['POST', '/api/v1/clients/status:batch', { clientIds: Array.from({ length: 101 }, () => 'GID_errs@@@a') }],
];

it.each(requests)(
  '%#: %s %s answers the same problem as before',
  async (...[method, path, body, headers]) => {
    const { status, type, body: problem } = await api.call(method, path, body, headers);
    expect(type).toContain('application/problem+json');
    expect(problem['instance']).toBe(path);
    expect({ status, ...problem, instance: undefined }).toMatchSnapshot();
  },
);

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { controlPlaneStream } from '#libs/rules';
import { createTopic, namesrv } from '../../../test/support/rocketmq.js';
import { ruleBody, startRuleManager, UNREACHABLE_ROCKETMQ } from './support/rule-manager-harness.js';

/**
 * Issue 15 over HTTP: an instance is a gRPC proxy (`endpoints`) or name servers (`nameServer`, the remoting
 * protocol); rules on a remoting instance have their topic checked through the real name server of the test setup.
 */
let api: Awaited<ReturnType<typeof startRuleManager>>;
const TOPIC = `remoting-checked-${Date.now()}`;
const target = (instanceId: string, topic: string) => ({ serviceType: 'ROCKETMQ', instanceId, topic });

beforeAll(async () => {
  await createTopic(TOPIC);
  api = await startRuleManager();
  for (const groupId of ['GID_r_one', 'GID_r_two', 'GID_r_three'])
    await api.call('POST', '/api/v1/groups', { groupId });
  await api.call('POST', '/api/v1/rocketmq-instances', {
    instanceId: 'rmq-ns-down',
    region: 'local',
    nameServer: '127.0.0.1:9;127.0.0.1:10',
  });
}, 60_000);

afterAll(() => api.stop());

describe('remoting instances', () => {
  it('registers name servers with ACL credentials, answering nameServer and never the secret', async () => {
    const created = await api.call('POST', '/api/v1/rocketmq-instances', {
      instanceId: 'rmq-ns',
      region: 'local',
      nameServer: namesrv(),
      namespace: '',
      accessKey: 'ns-ak',
      secretKey: 'ns-secret-never-shown',
    });
    expect(created.status).toBe(201);
    const got = await api.call('GET', '/api/v1/rocketmq-instances/rmq-ns');
    expect(got.body).toMatchObject({
      nameServer: namesrv(),
      accessKey: 'ns-ak',
      secretKeySet: true,
      tls: false,
    });
    expect(got.body).not.toHaveProperty('endpoints');
    expect(JSON.stringify(got.body)).not.toContain('ns-secret-never-shown');
  });

  it('refuses both addresses, and TLS with a name server, naming field and rule', async () => {
    const both = await api.call('POST', '/api/v1/rocketmq-instances', {
      instanceId: 'rmq-both',
      region: 'local',
      endpoints: UNREACHABLE_ROCKETMQ,
      nameServer: namesrv(),
    });
    expect(both.body).toMatchObject({
      status: 400,
      code: 'VALIDATION_FAILED',
      errors: [{ field: 'nameServer', rule: 'exclusive' }],
    });
    const tls = await api.call('POST', '/api/v1/rocketmq-instances', {
      instanceId: 'rmq-tls',
      region: 'local',
      nameServer: namesrv(),
      tls: true,
    });
    expect(tls.body['errors']).toEqual([
      { field: 'tls', rule: 'unsupported', message: expect.stringContaining('plain TCP only') },
    ]);
  });

  it('changes kind by an edit, recorded as an event, credentials kept', async () => {
    await api.call('POST', '/api/v1/rocketmq-instances', {
      instanceId: 'rmq-switch',
      region: 'local',
      endpoints: UNREACHABLE_ROCKETMQ,
      accessKey: 'sw-ak',
      secretKey: 'sw-secret',
    });
    const switched = await api.call('PUT', '/api/v1/rocketmq-instances/rmq-switch', {
      region: 'local',
      nameServer: '10.0.0.7:9876',
    });
    expect(switched.status).toBe(200);
    expect(switched.body).toMatchObject({
      nameServer: '10.0.0.7:9876',
      accessKey: 'sw-ak',
      secretKeySet: true,
    });
    expect(switched.body).not.toHaveProperty('endpoints');
    const events = await api.store.readStream(controlPlaneStream('mqtt-api'));
    expect(events.at(-1)).toMatchObject({
      type: 'RocketmqInstanceUpdated',
      data: { instanceId: 'rmq-switch', nameServer: '10.0.0.7:9876' },
    });
    expect(events.at(-1)!.data).not.toHaveProperty('endpoints');
    const history = await api.call('GET', '/api/v1/rocketmq-instances/rmq-switch/history');
    expect(history.body['items'].map((entry: { type: string }) => entry.type)).toEqual([
      'RocketmqInstanceRegistered',
      'RocketmqInstanceUpdated',
    ]);
    expect(history.body['items'][1]).toMatchObject({
      actor: expect.any(String),
      changes: { endpoints: { before: UNREACHABLE_ROCKETMQ }, nameServer: { after: '10.0.0.7:9876' } },
    });
    expect(JSON.stringify(history.body)).not.toContain('sw-secret');
    expect((await api.call('GET', '/api/v1/rocketmq-instances/rmq-never/history')).body).toMatchObject({
      status: 404,
      code: 'ROCKETMQ_INSTANCE_NOT_FOUND',
    });
  });
});

describe('target topic check through the name server', () => {
  it('accepts a rule whose topic exists, refuses one whose topic does not', async () => {
    const created = await api.call(
      'POST',
      '/api/v1/rules',
      ruleBody('ns-exists', 'GID_r_one', { target: target('rmq-ns', TOPIC) }),
    );
    expect(created.status).toBe(201);
    expect(created.body['warnings']).toBeUndefined();
    const refused = await api.call(
      'POST',
      '/api/v1/rules',
      ruleBody('ns-missing', 'GID_r_two', { target: target('rmq-ns', 'no-such-remoting-topic') }),
    );
    expect(refused.body).toMatchObject({
      status: 422,
      code: 'TARGET_TOPIC_NOT_FOUND',
      errors: [{ field: 'target.topic' }],
    });
  });

  it('accepts a rule on unreachable name servers with the warning an unreachable proxy gives', async () => {
    const created = await api.call(
      'POST',
      '/api/v1/rules',
      ruleBody('ns-unchecked', 'GID_r_three', { target: target('rmq-ns-down', 'any-topic') }),
    );
    expect(created.status).toBe(201);
    expect(created.body['warnings']).toEqual([
      expect.stringMatching(
        /^topic any-topic was not checked: RocketMQ instance rmq-ns-down \(name server 127\.0\.0\.1:9;127\.0\.0\.1:10\) could not be reached .*create the topic before devices connect$/,
      ),
    ]);
  });
});

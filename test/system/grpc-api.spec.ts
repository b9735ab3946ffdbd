import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { status as Code } from '@grpc/grpc-js';
import {
  E2E_ADMIN_SECRET as ADMIN,
  isolatedEnv,
  startApp,
  type RunningApp,
} from '../support/app-processes.js';
import { grpcApi, type GrpcApi } from '../support/grpc-clients.js';
import { grpcExpectations } from '../support/grpc-expect.js';
import { createTopic, rocketmqEndpoint } from '../support/rocketmq.js';
import { apiOf } from '../support/system-clients.js';

/**
 * rule-manager's gRPC API (mqtt_status_relay.v1) driven by a plain @grpc/grpc-js client loaded from the .proto
 * files, against the built app as a process and a real RocketMQ: rules, groups and instances, each error code
 * with its google.rpc details, the same refusal as REST, tokens and roles, health and reflection (client status
 * and delivery: grpc-client-status-and-delivery.spec.ts).
 */
const VIEWER = 'viewer-secret-0123456789';
const TOPIC = `grpc-status-${Date.now()}`;
const [GROUP, GROUP_B, GROUP_C] = ['GID_grpc_a', 'GID_grpc_b', 'GID_grpc_c'];
const INSTANCE = 'rmq-grpc';

let env: Record<string, string>;
let apps: RunningApp[] = [];
let grpc: GrpcApi;

const { call, ok, refused } = grpcExpectations(() => grpc, ADMIN);

const rule = (ruleId: string, groupId: string) => ({
  ruleId,
  description: 'to the session service',
  status: 'ENABLED',
  ruleType: 'CLIENT_STATUS_NOTIFY',
  source: { groupId },
  target: { serviceType: 'ROCKETMQ', instanceId: INSTANCE, topic: TOPIC },
});

beforeAll(async () => {
  await createTopic(TOPIC, { fifo: true });
  env = await isolatedEnv({
    API_TOKENS: `e2e:admin:${ADMIN},look:viewer:${VIEWER}`,
    MAX_RULES_PER_INSTANCE: '2',
  });
  apps = [await startApp('rule-manager', env)];
  grpc = grpcApi(`127.0.0.1:${env['GRPC_PORT']}`);
}, 120_000);

afterAll(async () => {
  grpc?.close();
  await Promise.all(apps.map((app) => app.stop()));
});

describe('gRPC API', () => {
  it('answers health and reflection without a token, as grpcurl and load balancers ask them', async () => {
    expect(await grpc.health('')).toBe('SERVING');
    expect(await grpc.health('mqtt_status_relay.v1.RuleService')).toBe('SERVING');
    const { services, files } = await grpc.reflect('mqtt_status_relay.v1.RuleService');
    expect(services).toEqual(
      expect.arrayContaining([
        'mqtt_status_relay.v1.RuleService',
        'mqtt_status_relay.v1.GroupService',
        'mqtt_status_relay.v1.RocketmqInstanceService',
        'mqtt_status_relay.v1.ClientStatusService',
        'mqtt_status_relay.v1.DeliveryService',
        'grpc.health.v1.Health',
      ]),
    );
    // The descriptor of the file defining the service: what grpcurl describes and calls it with.
    const descriptor = Buffer.concat(files).toString('latin1');
    expect(descriptor).toContain('mqtt_status_relay.v1');
    expect(descriptor).toContain('UpdateRuleRequest');
    expect(descriptor).toContain('expected_version');
  });

  it('refuses a call without a valid token, and a viewer that writes', async () => {
    await refused(Code.UNAUTHENTICATED, 'UNAUTHENTICATED', call('GroupService', 'ListGroups', {}, null));
    await refused(Code.UNAUTHENTICATED, 'UNAUTHENTICATED', call('GroupService', 'ListGroups', {}, 'wrong'));
    const denied = await refused(
      Code.PERMISSION_DENIED,
      'PERMISSION_DENIED',
      call('GroupService', 'RegisterGroup', { groupId: 'GID_by_viewer' }, VIEWER),
    );
    expect(denied.message).toBe('token look has the viewer role, which may only read');
    const seen = await ok('GroupService', 'ListGroups', {}, VIEWER);
    expect((seen.items ?? []).map((group: { groupId: string }) => group.groupId)).not.toContain(
      'GID_by_viewer',
    );
  });

  it('registers, reads, changes and deletes groups and RocketMQ instances', async () => {
    expect(await ok('GroupService', 'RegisterGroup', { groupId: GROUP, description: 'vans' })).toMatchObject({
      groupId: GROUP,
      description: 'vans',
    });
    for (const groupId of [GROUP_B, GROUP_C, 'GID_grpc_spare'])
      await ok('GroupService', 'RegisterGroup', { groupId });
    const twice = await refused(
      Code.ALREADY_EXISTS,
      'GROUP_ALREADY_REGISTERED',
      call('GroupService', 'RegisterGroup', { groupId: GROUP }),
    );
    expect(twice.details['google.rpc.ErrorInfo'].metadata).toEqual({ groupId: 'unique' });
    expect(
      await ok('GroupService', 'UpdateGroup', { groupId: GROUP, description: 'delivery vans' }),
    ).toMatchObject({
      description: 'delivery vans',
    });
    expect(await ok('GroupService', 'GetGroup', { groupId: GROUP }, VIEWER)).toMatchObject({
      groupId: GROUP,
    });
    await ok('GroupService', 'DeleteGroup', { groupId: 'GID_grpc_spare' });
    await refused(
      Code.NOT_FOUND,
      'GROUP_NOT_FOUND',
      call('GroupService', 'GetGroup', { groupId: 'GID_grpc_spare' }),
    );
    const groups = await ok('GroupService', 'ListGroups');
    expect(groups.items.map((group: { groupId: string }) => group.groupId)).toEqual([
      GROUP,
      GROUP_B,
      GROUP_C,
    ]);

    const instance = { instanceId: INSTANCE, region: 'local', endpoints: rocketmqEndpoint() };
    const registered = await ok('RocketmqInstanceService', 'RegisterRocketmqInstance', {
      ...instance,
      accessKey: 'ak-grpc',
      secretKey: 'sk-never-returned',
    });
    expect(registered).toMatchObject({ ...instance, accessKey: 'ak-grpc', secretKeySet: true, tls: false });
    expect(JSON.stringify(registered)).not.toContain('sk-never-returned');
    const spare = { instanceId: 'rmq-grpc-spare', region: 'local', endpoints: '127.0.0.1:1' };
    await ok('RocketmqInstanceService', 'RegisterRocketmqInstance', spare);
    expect(
      await ok('RocketmqInstanceService', 'UpdateRocketmqInstance', {
        ...spare,
        endpoints: '127.0.0.1:2',
        tls: true,
      }),
    ).toMatchObject({ endpoints: '127.0.0.1:2', tls: true });
    const remoting = { instanceId: spare.instanceId, region: 'local', nameServer: '127.0.0.1:3;127.0.0.1:4' };
    expect(await ok('RocketmqInstanceService', 'UpdateRocketmqInstance', remoting)).toMatchObject({
      ...remoting,
      endpoints: '',
      tls: false,
    });
    await refused(
      Code.INVALID_ARGUMENT,
      'VALIDATION_FAILED',
      call('RocketmqInstanceService', 'UpdateRocketmqInstance', { ...remoting, endpoints: '127.0.0.1:2' }),
    );
    expect(
      await ok('RocketmqInstanceService', 'GetRocketmqInstance', { instanceId: INSTANCE }),
    ).toMatchObject(instance);
    const listed = await ok('RocketmqInstanceService', 'ListRocketmqInstances', {}, VIEWER);
    expect(listed.items.map((item: { instanceId: string }) => item.instanceId)).toEqual([
      INSTANCE,
      'rmq-grpc-spare',
    ]);
    await ok('RocketmqInstanceService', 'DeleteRocketmqInstance', { instanceId: 'rmq-grpc-spare' });
    await refused(
      Code.NOT_FOUND,
      'ROCKETMQ_INSTANCE_NOT_FOUND',
      call('RocketmqInstanceService', 'GetRocketmqInstance', { instanceId: 'rmq-grpc-spare' }),
    );
  });

  it('refuses an invalid rule with the fields and rules REST names, as google.rpc.BadRequest', async () => {
    const invalid = {
      ...rule('r', 'GID-'),
      target: { serviceType: 'ROCKETMQ', instanceId: INSTANCE, topic: 'GIDx' },
    };
    const problem = (await apiOf(env)('POST', '/api/v1/rules', invalid)).body;
    expect(problem['errors'].length).toBeGreaterThanOrEqual(3);
    const refusal = await refused(
      Code.INVALID_ARGUMENT,
      problem['code'],
      call('RuleService', 'CreateRule', { rule: invalid }),
    );
    const violations = problem['errors'].map((e: { field: string; rule: string; message: string }) => ({
      field: e.field,
      description: `${e.rule}: ${e.message}`,
    }));
    expect(refusal.details['google.rpc.BadRequest'].fieldViolations).toEqual(violations);
    expect(refusal.details['google.rpc.ErrorInfo'].metadata).toEqual(
      Object.fromEntries(problem['errors'].map((e: { field: string; rule: string }) => [e.field, e.rule])),
    );
  });

  it('creates, lists, updates with an expected version, disables, enables and deletes rules, with history', async () => {
    const created = await ok('RuleService', 'CreateRule', { rule: rule('r-grpc-a', GROUP) });
    expect(created.rule).toMatchObject({ ...rule('r-grpc-a', GROUP), version: expect.any(String) });
    const version = created.rule.version;
    expect(await ok('RuleService', 'GetRule', { ruleId: 'r-grpc-a' }, VIEWER)).toEqual(created.rule);

    const updated = await ok('RuleService', 'UpdateRule', {
      ruleId: 'r-grpc-a',
      rule: { ...rule('r-grpc-a', GROUP), description: 'edited over gRPC' },
      expectedVersion: version,
    });
    expect(updated.rule).toMatchObject({ description: 'edited over gRPC' });
    const stale = await refused(
      Code.FAILED_PRECONDITION,
      'RULE_VERSION_MISMATCH',
      call('RuleService', 'DisableRule', { ruleId: 'r-grpc-a', expectedVersion: version }),
    );
    expect(stale.details['google.rpc.PreconditionFailure'].violations).toEqual([
      expect.objectContaining({ subject: expect.any(String), type: expect.any(String) }),
    ]);
    const disabled = await ok('RuleService', 'DisableRule', {
      ruleId: 'r-grpc-a',
      expectedVersion: updated.rule.version,
    });
    expect(disabled.status).toBe('DISABLED');
    expect((await ok('RuleService', 'EnableRule', { ruleId: 'r-grpc-a' })).status).toBe('ENABLED');

    await ok('RuleService', 'CreateRule', { rule: rule('r-grpc-b', GROUP_B) });
    await refused(
      Code.RESOURCE_EXHAUSTED,
      'RULE_LIMIT_REACHED',
      call('RuleService', 'CreateRule', { rule: rule('r-grpc-c', GROUP_C) }),
    );
    await refused(
      Code.ALREADY_EXISTS,
      'RULE_ID_TAKEN',
      call('RuleService', 'CreateRule', { rule: rule('r-grpc-a', GROUP_C) }),
    );
    await refused(
      Code.FAILED_PRECONDITION,
      'GROUP_IN_USE',
      call('GroupService', 'DeleteGroup', { groupId: GROUP }),
    );

    const listed = await ok('RuleService', 'ListRules', { pageSize: 1, page: 2 }, VIEWER);
    expect(listed).toMatchObject({ total: 2, page: 2, pageSize: 1, items: [{ ruleId: 'r-grpc-b' }] });
    const filtered = await ok('RuleService', 'ListRules', { groupId: GROUP, status: 'ENABLED' });
    expect(filtered.items.map((item: { ruleId: string }) => item.ruleId)).toEqual(['r-grpc-a']);

    await ok('RuleService', 'DeleteRule', { ruleId: 'r-grpc-b' });
    await refused(Code.NOT_FOUND, 'RULE_NOT_FOUND', call('RuleService', 'GetRule', { ruleId: 'r-grpc-b' }));
    const history = await ok('RuleService', 'GetRuleHistory', { ruleId: 'r-grpc-a' }, VIEWER);
    expect(history.items.map((entry: { type: string }) => entry.type)).toEqual([
      'RuleCreated',
      'RuleUpdated',
      'RuleDisabled',
      'RuleEnabled',
    ]);
    expect(history.items[1]).toMatchObject({
      actor: 'e2e',
      changes: { description: { before: 'to the session service', after: 'edited over gRPC' } },
    });
  });
});

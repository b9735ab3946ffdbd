import { describe, expect, it } from '@jest/globals';
import { decideControlPlane, type ControlPlaneCommand } from './index.js';
import {
  context,
  createRule,
  given,
  group,
  instance,
  refusal,
  ruleBody,
  ruleCreated,
  worldEvents,
} from './testing/control-plane.fixtures.js';

const world = () => given(...worldEvents());

describe('registering groups', () => {
  it('records a group with a valid ID', () => {
    const events = decideControlPlane(
      { type: 'RegisterGroup', data: { input: { groupId: 'GID-abc' } } },
      given(),
      context,
    );
    expect(events).toEqual([{ type: 'GroupRegistered', data: { groupId: 'GID-abc' } }]);
  });

  it('refuses a group ID that breaks the format, naming the field and the rule', () => {
    const error = refusal(given(), { type: 'RegisterGroup', data: { input: { groupId: 'GROUP_1' } } });
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.violations).toEqual([expect.objectContaining({ field: 'groupId', rule: 'pattern' })]);
  });

  it('refuses a group registered twice', () => {
    const error = refusal(given(group('GID_abc')), {
      type: 'RegisterGroup',
      data: { input: { groupId: 'GID_abc' } },
    });
    expect(error.code).toBe('GROUP_ALREADY_REGISTERED');
  });
});

describe('registering RocketMQ instances', () => {
  const register = (input: unknown): ControlPlaneCommand => ({
    type: 'RegisterRocketmqInstance',
    data: { input },
  });

  it('keeps only the encrypted secret in the event', () => {
    const input = {
      instanceId: 'rmq-1',
      region: 'local',
      endpoints: '127.0.0.1:8081',
      accessKey: 'ak',
      secretKey: 'sk',
    };
    const credentials = { accessKey: 'ak', secretKeyCiphertext: 'v1:cipher' };
    const [event] = decideControlPlane(
      { type: 'RegisterRocketmqInstance', data: { input, credentials } },
      given(),
      context,
    );
    expect(event).toEqual({
      type: 'RocketmqInstanceRegistered',
      data: {
        instanceId: 'rmq-1',
        region: 'local',
        endpoints: '127.0.0.1:8081',
        namespace: '',
        tls: false,
        credentials,
      },
    });
    expect(JSON.stringify(event)).not.toContain('"sk"');
  });

  it('names every broken field', () => {
    const error = refusal(given(), register({ instanceId: 'x', endpoints: 'nohost', accessKey: 'ak' }));
    expect(error.violations.map((v) => `${v.field}:${v.rule}`)).toEqual([
      'instanceId:pattern',
      'region:required',
      'endpoints:pattern',
      'secretKey:required',
    ]);
  });
});

describe('creating rules', () => {
  it('records the rule with its rule ID truncated to 64 characters', () => {
    const longId = 'r'.repeat(70);
    const [event] = decideControlPlane(createRule(ruleBody(longId)), world(), context);
    expect(event).toEqual({ type: 'RuleCreated', data: { ...ruleBody('r'.repeat(64)) } });
  });

  it('validates the rule ID after truncation', () => {
    const error = refusal(world(), createRule(ruleBody('_-_')));
    expect(error.violations).toEqual([expect.objectContaining({ field: 'ruleId', rule: 'pattern' })]);
  });

  it('refuses a topic that starts with GID', () => {
    const error = refusal(
      world(),
      createRule(
        ruleBody('rule-1', 'GID_devices', {
          target: { serviceType: 'ROCKETMQ', instanceId: 'rmq-1', topic: 'GID_topic' },
        }),
      ),
    );
    expect(error.violations).toEqual([expect.objectContaining({ field: 'target.topic', rule: 'pattern' })]);
  });

  it('answers "not supported" for data rules, naming the rule type', () => {
    const error = refusal(
      world(),
      createRule(ruleBody('rule-1', 'GID_devices', { ruleType: 'DATA_OUTBOUND' })),
    );
    expect(error.code).toBe('RULE_TYPE_NOT_SUPPORTED');
    expect(error.message).toContain('DATA_OUTBOUND');
  });

  it('refuses a second rule for a group, even when the first is disabled', () => {
    const state = given(...worldEvents(), ruleCreated('rule-1', 'GID_devices', 'DISABLED'));
    const error = refusal(state, createRule(ruleBody('rule-2')));
    expect(error.code).toBe('GROUP_ALREADY_HAS_RULE');
    expect(error.violations[0]).toMatchObject({ field: 'source.groupId', rule: 'one-rule-per-group' });
  });

  it('refuses a rule ID that is taken', () => {
    const state = given(...worldEvents(), ruleCreated('rule-1', 'GID_devices'));
    expect(refusal(state, createRule(ruleBody('rule-1', 'GID_sensors'))).code).toBe('RULE_ID_TAKEN');
  });

  it('refuses a rule past the per-instance limit, disabled rules included', () => {
    const state = given(
      ...worldEvents(),
      group('GID_fourth'),
      ruleCreated('rule-1', 'GID_devices', 'DISABLED'),
      ruleCreated('rule-2', 'GID_sensors'),
      ruleCreated('rule-3', 'GID_meters'),
    );
    expect(refusal(state, createRule(ruleBody('rule-4', 'GID_fourth'))).code).toBe('RULE_LIMIT_REACHED');
  });

  it('refuses an unknown group, an unknown instance and another region', () => {
    expect(refusal(world(), createRule(ruleBody('rule-1', 'GID_unknown'))).code).toBe(
      'SOURCE_GROUP_NOT_FOUND',
    );
    const otherInstance = {
      target: { serviceType: 'ROCKETMQ', instanceId: 'rmq-9', topic: 'device-status' },
    };
    expect(refusal(world(), createRule(ruleBody('rule-1', 'GID_devices', otherInstance))).code).toBe(
      'TARGET_INSTANCE_NOT_FOUND',
    );
    const far = given(group('GID_devices'), instance('rmq-1', 'eu-west'));
    const error = refusal(far, createRule(ruleBody('rule-1')));
    expect(error.code).toBe('REGION_MISMATCH');
    expect(error.violations[0]).toMatchObject({ field: 'target.instanceId', rule: 'same-region' });
  });

  it('gives the rule the stream version and time of its event', () => {
    const state = given(...worldEvents(), ruleCreated('rule-1', 'GID_devices'));
    expect(state.rules['rule-1']).toMatchObject({ version: 5, createdAt: 1004, updatedAt: 1004 });
  });
});

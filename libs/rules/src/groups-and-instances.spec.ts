import { describe, expect, it } from '@jest/globals';
import type { ControlPlaneCommand } from './index.js';
import {
  given,
  group,
  instance,
  refusal,
  ruleCreated,
  when,
  worldEvents,
} from './testing/control-plane.fixtures.js';

const instanceBody = (overrides: Record<string, unknown> = {}) => ({
  region: 'local',
  endpoints: 'rmq.internal:8081',
  namespace: 'prod',
  tls: true,
  ...overrides,
});
const updateInstance = (
  input: unknown,
  credentials?: { accessKey: string; secretKeyCiphertext: string },
): ControlPlaneCommand => ({
  type: 'UpdateRocketmqInstance',
  data: { instanceId: 'rmq-1', input, ...(credentials && { credentials }) },
});

describe('groups', () => {
  it('updates the description of a group', () => {
    const command: ControlPlaneCommand = {
      type: 'UpdateGroup',
      data: { groupId: 'GID_devices', input: { description: 'fleet A' } },
    };
    expect(when(given(group('GID_devices')), command)).toEqual([
      { type: 'GroupUpdated', data: { groupId: 'GID_devices', description: 'fleet A' } },
    ]);
  });

  it('deletes an unused group and refuses one a rule uses, naming the rule', () => {
    const del: ControlPlaneCommand = { type: 'DeleteGroup', data: { groupId: 'GID_devices' } };
    expect(when(given(group('GID_devices')), del)).toEqual([
      { type: 'GroupDeleted', data: { groupId: 'GID_devices' } },
    ]);
    const error = refusal(given(...worldEvents(), ruleCreated('rule-1', 'GID_devices', 'DISABLED')), del);
    expect(error.code).toBe('GROUP_IN_USE');
    expect(error.message).toContain('rule-1');
  });

  it('answers not found for an unknown group', () => {
    expect(refusal(given(), { type: 'DeleteGroup', data: { groupId: 'GID_nobody' } }).code).toBe(
      'GROUP_NOT_FOUND',
    );
  });
});

describe('RocketMQ instances', () => {
  it('updates endpoints, namespace and TLS, keeping stored credentials when none are given', () => {
    const credentials = { accessKey: 'ak', secretKeyCiphertext: 'v1:old' };
    const state = given({
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
    expect(when(state, updateInstance(instanceBody()))).toEqual([
      {
        type: 'RocketmqInstanceUpdated',
        data: {
          instanceId: 'rmq-1',
          region: 'local',
          endpoints: 'rmq.internal:8081',
          namespace: 'prod',
          tls: true,
          credentials,
        },
      },
    ]);
    const replaced = { accessKey: 'ak2', secretKeyCiphertext: 'v1:new' };
    const [event] = when(
      state,
      updateInstance(instanceBody({ accessKey: 'ak2', secretKey: 'sk2' }), replaced),
    );
    expect(event).toMatchObject({ data: { credentials: replaced } });
  });

  it('refuses to move an instance a rule sends to into another region', () => {
    const state = given(...worldEvents(), ruleCreated('rule-1', 'GID_devices'));
    const error = refusal(state, updateInstance(instanceBody({ region: 'far-away' })));
    expect(error.code).toBe('REGION_MISMATCH');
    expect(error.message).toContain('rule-1');
  });

  it('deletes an unused instance and refuses one that rules target', () => {
    const del: ControlPlaneCommand = { type: 'DeleteRocketmqInstance', data: { instanceId: 'rmq-1' } };
    expect(when(given(instance('rmq-1')), del)).toEqual([
      { type: 'RocketmqInstanceDeleted', data: { instanceId: 'rmq-1' } },
    ]);
    const error = refusal(given(...worldEvents(), ruleCreated('rule-1', 'GID_devices')), del);
    expect(error.code).toBe('ROCKETMQ_INSTANCE_IN_USE');
    expect(error.message).toContain('rule-1');
  });

  it('refuses a different instance ID in the body', () => {
    const error = refusal(given(instance('rmq-1')), updateInstance(instanceBody({ instanceId: 'rmq-2' })));
    expect(error.violations[0]).toMatchObject({ field: 'instanceId', rule: 'immutable' });
  });
});

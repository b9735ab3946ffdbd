import { describe, expect, it } from '@jest/globals';
import type { ControlPlaneCommand } from './index.js';
import { given, instance, refusal, when } from './testing/control-plane.fixtures.js';

// Issue 15: an instance is a gRPC proxy (`endpoints`) or name servers over the remoting protocol (`nameServer`).
const register = (input: Record<string, unknown>, withCredentials = false): ControlPlaneCommand => ({
  type: 'RegisterRocketmqInstance',
  data: {
    input: { instanceId: 'rmq-4', region: 'local', ...input },
    ...(withCredentials && { credentials: { accessKey: 'ak', secretKeyCiphertext: 'v1:sealed' } }),
  },
});
const update = (input: Record<string, unknown>): ControlPlaneCommand => ({
  type: 'UpdateRocketmqInstance',
  data: { instanceId: 'rmq-1', input: { region: 'local', ...input } },
});
const broken = (command: ControlPlaneCommand, state = given()) =>
  refusal(state, command).violations.map(({ field, rule }) => `${field}:${rule}`);

describe('the two kinds of RocketMQ instance', () => {
  it('registers name servers with a namespace and ACL credentials, and no endpoints', () => {
    const body = { nameServer: 'ns-a:9876;ns-b:9876', namespace: 'prod', accessKey: 'ak', secretKey: 'sk' };
    expect(when(given(), register(body, true))).toEqual([
      {
        type: 'RocketmqInstanceRegistered',
        data: {
          instanceId: 'rmq-4',
          region: 'local',
          nameServer: 'ns-a:9876;ns-b:9876',
          namespace: 'prod',
          tls: false,
          credentials: { accessKey: 'ak', secretKeyCiphertext: 'v1:sealed' },
        },
      },
    ]);
  });

  it('changes an instance from one kind to the other by an edit, and back', () => {
    const state = given(instance('rmq-1'));
    const [toRemoting] = when(state, update({ nameServer: '10.0.0.5:9876' }));
    expect(toRemoting).toEqual({
      type: 'RocketmqInstanceUpdated',
      data: { instanceId: 'rmq-1', region: 'local', nameServer: '10.0.0.5:9876', namespace: '', tls: false },
    });
    const [back] = when(
      given(instance('rmq-1'), toRemoting!),
      update({ endpoints: 'proxy:8081', tls: true }),
    );
    expect(back!.data).toEqual({
      instanceId: 'rmq-1',
      region: 'local',
      endpoints: 'proxy:8081',
      namespace: '',
      tls: true,
    });
  });

  it('takes exactly one address, naming the field and the rule', () => {
    expect(broken(register({}))).toEqual(['endpoints:required']);
    expect(broken(register({ endpoints: 'proxy:8081', nameServer: 'ns:9876' }))).toEqual([
      'nameServer:exclusive',
    ]);
    expect(broken(update({ endpoints: null, nameServer: null }), given(instance('rmq-1')))).toEqual([
      'endpoints:required',
    ]);
  });

  it('refuses TLS for the remoting kind, saying why', () => {
    const error = refusal(given(), register({ nameServer: 'ns:9876', tls: true }));
    expect(error.violations).toEqual([
      {
        field: 'tls',
        rule: 'unsupported',
        message: expect.stringContaining('the remoting client speaks plain TCP only'),
      },
    ]);
    expect(when(given(), register({ nameServer: 'ns:9876', tls: false }))).toHaveLength(1);
  });

  it('checks the name server list: host:port pairs separated by semicolons, at most 16', () => {
    expect(broken(register({ nameServer: 'ns' }))).toEqual(['nameServer:pattern']);
    expect(broken(register({ nameServer: 'ns:9876;' }))).toEqual(['nameServer:pattern']);
    expect(broken(register({ nameServer: 'ns:9876, ns2:9876' }))).toEqual(['nameServer:pattern']);
    expect(broken(register({ nameServer: Array(17).fill('ns:1').join(';') }))).toEqual([
      'nameServer:pattern',
    ]);
    expect(when(given(), register({ nameServer: Array(16).fill('ns:1').join(';') }))).toHaveLength(1);
  });
});

import { describe, expect, it } from '@jest/globals';
import type { ControlPlaneCommand } from './index.js';
import {
  given,
  group,
  refusal,
  ruleBody,
  ruleCreated,
  worldEvents,
} from './testing/control-plane.fixtures.js';

/**
 * The exact refusals clients see (code, and per violation the field, rule and message), pinned by a snapshot
 * taken before validation moved to schemas: a changed word here is a changed API.
 */
const state = given(...worldEvents(), ruleCreated('rule-a', 'GID_devices'), group('GID_fleet'));
const long = (n: number) => 'x'.repeat(n);
const rule = (overrides: Record<string, unknown>) => ruleBody('rule-b', 'GID_sensors', overrides);

const bodies: Record<string, [string, (input: unknown) => ControlPlaneCommand, unknown][]> = {
  rules: [
    ['not an object', create, 'rule'],
    ['an array', create, []],
    ['null', create, null],
    ['empty', create, {}],
    ['unknown fields', create, rule({ extra: 1, source: { groupId: 'GID_sensors', other: 2 } })],
    ['wrong types', create, { ruleId: 5, description: 6, status: 7, ruleType: 8, source: 9, target: 10 }],
    ['nulls', create, { ruleId: null, description: null, status: null, source: null, target: null }],
    ['short rule ID', create, rule({ ruleId: 'ab' })],
    ['rule ID without a letter', create, rule({ ruleId: '___' })],
    ['rule ID with spaces, truncated', create, rule({ ruleId: `a b${long(80)}` })],
    ['long description', create, rule({ description: long(257) })],
    ['unknown status', create, rule({ status: 'on' })],
    ['unknown rule type', create, rule({ ruleType: 'X' })],
    ['data rule with other faults', create, rule({ ruleType: 'DATA_INBOUND', ruleId: 'a', extra: 1 })],
    ['source and target empty', create, rule({ source: {}, target: {} })],
    ['source an array', create, rule({ source: [] })],
    ['bad group and target', create, rule({ source: { groupId: 'G' }, target: badTarget() })],
    ['target field types', create, rule({ target: { serviceType: 1, instanceId: 2, topic: 3 } })],
    ['target unknown field', create, rule({ target: { ...ruleBody('x').target, port: 1 } })],
    ['taken rule ID', create, ruleBody('rule-a', 'GID_sensors')],
    ['edit changing the rule ID', edit, ruleBody('rule-c', 'GID_devices')],
    ['edit, not an object', edit, 7],
    ['edit with bad fields', edit, { status: 'x', source: { groupId: 'GID_devices' }, target: badTarget() }],
  ],
  groups: [
    ['not an object', registerGroup, 'g'],
    ['empty', registerGroup, {}],
    ['wrong types', registerGroup, { groupId: 5, description: 6 }],
    [
      'bad ID, long description, unknown field',
      registerGroup,
      { groupId: 'x', description: long(300), y: 1 },
    ],
    ['edit changing the ID', updateGroup, { groupId: 'GID_other' }],
    ['edit with a null ID', updateGroup, { groupId: null }],
    ['edit with a numeric ID and long description', updateGroup, { groupId: 5, description: long(257) }],
  ],
  instances: [
    ['not an object', registerInstance, false],
    ['empty', registerInstance, {}],
    ['wrong types', registerInstance, instanceWith({ region: 1, endpoints: 2, namespace: 3, tls: 'yes' })],
    ['bad formats', registerInstance, { instanceId: 'x y', region: 'a b', endpoints: 'nohost', more: 1 }],
    ['long namespace', registerInstance, instanceWith({ namespace: long(65) })],
    ['access key alone', registerInstance, instanceWith({ accessKey: 'ak' })],
    ['secret key alone, bad TLS', registerInstance, instanceWith({ secretKey: 'sk', tls: 1 })],
    ['access key alone, bad TLS', registerInstance, instanceWith({ accessKey: 'ak', tls: 'no' })],
    ['null keys', registerInstance, instanceWith({ accessKey: null, secretKey: 'sk', tls: null })],
    ['edit changing the ID', updateInstance, instanceWith({ instanceId: 'rmq-2' })],
    ['edit with bad fields', updateInstance, { instanceId: 5, endpoints: 'x' }],
    ['both addresses', registerInstance, instanceWith({ nameServer: 'ns:9876' })],
    [
      'name server with TLS',
      registerInstance,
      { instanceId: 'rmq-1', region: 'local', nameServer: 'ns:1', tls: true },
    ],
    [
      'bad name server, no endpoints',
      registerInstance,
      { instanceId: 'rmq-1', region: 'local', nameServer: 7 },
    ],
    ['name server list malformed', updateInstance, { region: 'local', nameServer: 'a:1;b', endpoints: null }],
  ],
  credentials: [
    ['not an object', (input) => credentials('group', 'GID_fleet', input), []],
    ['empty', (input) => credentials('group', 'GID_fleet', input), {}],
    ['wrong types', (input) => credentials('group', 'GID_fleet', input), { username: 1, password: 2 }],
    [
      'bad values',
      (input) => credentials('group', 'GID_fleet', input),
      { username: 'a b', password: 'x', z: 1 },
    ],
    ['unknown group', (input) => credentials('group', 'GID_none', input), { username: 'u' }],
    ['bad client ID', (input) => credentials('device', 'van', input), { username: 'u' }],
  ],
  permissions: [
    ['not an object', permissions, 'p'],
    ['empty', permissions, {}],
    ['nulls', permissions, { publish: null, subscribe: [null, 1] }],
    ['not arrays', permissions, { publish: 'a/b', subscribe: {}, extra: true }],
    ['too many', permissions, { publish: Array.from({ length: 101 }, (_, i) => `t/${i}`), subscribe: [] }],
    [
      'bad filters',
      permissions,
      { publish: ['a/b+', 'a/#/b', '', long(300), 'a\u0000'], subscribe: ['${x}'] },
    ],
    ['placeholders', permissions, { publish: ['${deviceid}/${clientid}/${nope}'], subscribe: ['"q"'] }],
  ],
  'access keys': [
    ['not an object', accessKey, 'k'],
    ['wrong type', accessKey, { description: 5 }],
    ['long description and unknown field', accessKey, { description: long(257), name: 'x' }],
  ],
};

describe.each(Object.entries(bodies))('refusals of %s bodies', (_, cases) => {
  it.each(cases)('%s', (_name, command, input) => {
    const { code, violations } = refusal(state, command(input));
    expect({ code, violations }).toMatchSnapshot();
  });
});

it('names a scope that is neither group nor device', () => {
  const odd = { type: 'SetTopicPermissions', data: { scope: 'user', id: 'u', input: {} } };
  const { code, violations } = refusal(state, odd as unknown as ControlPlaneCommand);
  expect({ code, violations }).toMatchSnapshot();
});

function badTarget() {
  return { serviceType: 'KAFKA', instanceId: 'r', topic: 'CID_bad' };
}
function create(input: unknown): ControlPlaneCommand {
  return { type: 'CreateRule', data: { input } };
}
function edit(input: unknown): ControlPlaneCommand {
  return { type: 'UpdateRule', data: { ruleId: 'rule-a', input } };
}
function registerGroup(input: unknown): ControlPlaneCommand {
  return { type: 'RegisterGroup', data: { input } };
}
function updateGroup(input: unknown): ControlPlaneCommand {
  return { type: 'UpdateGroup', data: { groupId: 'GID_fleet', input } };
}
function instanceWith(overrides: Record<string, unknown>) {
  return { instanceId: 'rmq-1', region: 'local', endpoints: '127.0.0.1:8081', ...overrides };
}
function registerInstance(input: unknown): ControlPlaneCommand {
  return { type: 'RegisterRocketmqInstance', data: { input } };
}
function updateInstance(input: unknown): ControlPlaneCommand {
  return { type: 'UpdateRocketmqInstance', data: { instanceId: 'rmq-1', input } };
}
function credentials(scope: 'group' | 'device', id: string, input: unknown): ControlPlaneCommand {
  return { type: 'SetDeviceCredentials', data: { scope, id, input, passwordHash: 'hash' } };
}
function permissions(input: unknown): ControlPlaneCommand {
  return { type: 'SetTopicPermissions', data: { scope: 'group', id: 'GID_fleet', input } };
}
function accessKey(input: unknown): ControlPlaneCommand {
  return { type: 'CreateAccessKey', data: { accessKeyId: 'ak-1', secretCiphertext: 'c', input } };
}

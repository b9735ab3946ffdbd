import { expect, it } from '@jest/globals';
import { rocketmqInstanceHistory, ruleHistory, type AuditedEvent, type ControlPlaneEvent } from './index.js';
import { ruleBody, worldEvents } from './testing/control-plane.fixtures.js';

const audited = (events: ControlPlaneEvent[]): AuditedEvent[] =>
  events.map((event, i) => ({
    event,
    at: { streamVersion: i + 1, occurredAt: 100 + i },
    actor: `user-${i}`,
    correlationId: `c-${i}`,
  }));

it('lists every event of a rule with actor, time and the before/after of what changed, across both lives', () => {
  const created = { type: 'RuleCreated', data: ruleBody('r1', 'GID_devices') } as ControlPlaneEvent;
  const history = ruleHistory(
    audited([
      ...worldEvents(),
      created,
      {
        type: 'RuleUpdated',
        data: ruleBody('r1', 'GID_sensors', { description: 'moved' }),
      } as ControlPlaneEvent,
      { type: 'RuleDisabled', data: { ruleId: 'r1' } },
      { type: 'RuleCreated', data: ruleBody('other', 'GID_meters') } as ControlPlaneEvent,
      { type: 'RuleDeleted', data: { ruleId: 'r1' } },
      created,
    ]),
    'r1',
  );
  expect(history.map((entry) => [entry.version, entry.type, entry.actor])).toEqual([
    [5, 'RuleCreated', 'user-4'],
    [6, 'RuleUpdated', 'user-5'],
    [7, 'RuleDisabled', 'user-6'],
    [9, 'RuleDeleted', 'user-8'],
    [10, 'RuleCreated', 'user-9'],
  ]);
  expect(history[0]!.changes['target.topic']).toEqual({ after: 'device-status' });
  expect(history[1]).toMatchObject({
    occurredAt: 105,
    correlationId: 'c-5',
    changes: {
      'source.groupId': { before: 'GID_devices', after: 'GID_sensors' },
      description: { after: 'moved' },
    },
  });
  expect(Object.keys(history[1]!.changes)).toEqual(['description', 'source.groupId']);
  expect(history[2]!.changes).toEqual({ status: { before: 'ENABLED', after: 'DISABLED' } });
  expect(history[3]!.changes['ruleId']).toEqual({ before: 'r1' });
});

it('lists an instance changing kind as endpoints giving way to nameServer, never showing the secret', () => {
  const registered = {
    type: 'RocketmqInstanceRegistered',
    data: { instanceId: 'rmq-9', region: 'local', endpoints: 'proxy:8081', namespace: '', tls: true },
  } as ControlPlaneEvent;
  const toRemoting = {
    type: 'RocketmqInstanceUpdated',
    data: {
      instanceId: 'rmq-9',
      region: 'local',
      nameServer: 'ns:9876',
      namespace: '',
      tls: false,
      credentials: { accessKey: 'ak', secretKeyCiphertext: 'v1:sealed' },
    },
  } as ControlPlaneEvent;
  const history = rocketmqInstanceHistory(
    audited([
      registered,
      ...worldEvents(),
      toRemoting,
      { type: 'RocketmqInstanceDeleted', data: { instanceId: 'rmq-9' } },
    ]),
    'rmq-9',
  );

  expect(history.map((entry) => entry.type)).toEqual([
    'RocketmqInstanceRegistered',
    'RocketmqInstanceUpdated',
    'RocketmqInstanceDeleted',
  ]);
  expect(history[1]!.changes).toEqual({
    endpoints: { before: 'proxy:8081' },
    nameServer: { after: 'ns:9876' },
    tls: { before: true, after: false },
    'credentials.accessKey': { after: 'ak' },
  });
  expect(JSON.stringify(history)).not.toContain('v1:sealed');
});

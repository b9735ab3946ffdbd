import { describe, expect, it } from '@jest/globals';
import { evolveControlPlane, initialControlPlaneState, type ControlPlaneEvent } from '#libs/rules';
import { routePresenceEvent, toStatusMessage, type StoredPresenceEvent } from './index.js';

function rulesAfter(...events: ControlPlaneEvent[]) {
  return events.reduce(
    (state, event, i) => evolveControlPlane(state, event, { streamVersion: i + 1, occurredAt: i }),
    initialControlPlaneState(),
  );
}

const rule = (status: 'ENABLED' | 'DISABLED'): ControlPlaneEvent => ({
  type: 'RuleCreated',
  data: {
    ruleId: 'status-rule',
    status,
    ruleType: 'CLIENT_STATUS_NOTIFY',
    source: { groupId: 'GID_XXX' },
    target: { serviceType: 'ROCKETMQ', instanceId: 'rmq-1', topic: 'device-status' },
  },
});

const connect: StoredPresenceEvent = {
  eventId: '0f8fad5b-d9cb-469f-a165-70867728950e',
  type: 'ClientConnected',
  version: 7,
  data: {
    clientId: 'GID_XXX@@@YYYYY',
    channelId: '2b9b1281046046faafe5e0b458e4a1b2',
    clientIp: '203.0.113.7:13345',
    time: 1621580400000,
    reason: 'accepted',
  },
};

describe('routing presence events', () => {
  it('gives one notification per enabled rule of the client group', () => {
    const [notification] = routePresenceEvent(connect, rulesAfter(rule('ENABLED')));
    expect(notification).toMatchObject({
      notificationId: 'status-rule:0f8fad5b-d9cb-469f-a165-70867728950e',
      ruleId: 'status-rule',
      ruleVersion: 1,
      seq: 7,
      eventType: 'connect',
      target: { instanceId: 'rmq-1', topic: 'device-status' },
    });
  });

  it('forwards nothing for a disabled rule or another group', () => {
    expect(routePresenceEvent(connect, rulesAfter(rule('DISABLED')))).toEqual([]);
    const other = { ...connect, data: { ...connect.data, clientId: 'GID_OTHER@@@YYYYY' } };
    expect(routePresenceEvent(other, rulesAfter(rule('ENABLED')))).toEqual([]);
  });
});

describe('the RocketMQ message', () => {
  const [notification] = routePresenceEvent(
    { ...connect, type: 'ClientConnectionClosed', data: { ...connect.data, reason: 'closed by client' } },
    rulesAfter(rule('ENABLED')),
  );
  if (!notification) throw new Error('no notification');

  it('has the original body, byte for byte, in the original field order', () => {
    const message = toStatusMessage(notification, { fifo: false }, 'mqtt-local');
    expect(message.body).toBe(
      '{"clientId":"GID_XXX@@@YYYYY","time":1621580400000,"eventType":"tcpclean",' +
        '"channelId":"2b9b1281046046faafe5e0b458e4a1b2","clientIp":"203.0.113.7:13345"}',
    );
  });

  it('carries tag, keys and properties, and a message group only on FIFO topics', () => {
    const normal = toStatusMessage(notification, { fifo: false }, 'mqtt-local');
    expect(normal).toMatchObject({
      topic: 'device-status',
      tag: 'tcpclean',
      keys: ['GID_XXX@@@YYYYY', 'status-rule:0f8fad5b-d9cb-469f-a165-70867728950e'],
      properties: {
        seq: '7',
        reason: 'closed by client',
        ruleId: 'status-rule',
        eventId: '0f8fad5b-d9cb-469f-a165-70867728950e',
        instanceId: 'mqtt-local',
      },
    });
    expect(normal.messageGroup).toBeUndefined();
    expect(toStatusMessage(notification, { fifo: true }, 'mqtt-local').messageGroup).toBe('GID_XXX@@@YYYYY');
  });

  it('carries the MQTT protocol level and an MQTT 5 DISCONNECT reason code as properties, never in the body', () => {
    const v5 = {
      ...notification,
      event: { ...notification.event, protocolVersion: 5, clientReasonCode: 4 },
    };
    const message = toStatusMessage(v5, { fifo: false }, 'mqtt-local');
    expect(message.properties).toMatchObject({ protocolVersion: '5', clientReasonCode: '4' });
    expect(message.properties['serverReasonCode']).toBeUndefined();
    expect(message.body).toBe(toStatusMessage(notification, { fifo: false }, 'mqtt-local').body);
  });

  it('adds certificateChainSn last, only for certificate clients', () => {
    const withCert = {
      ...notification,
      event: { ...notification.event, certificateChainSn: '356217374433' },
    };
    expect(toStatusMessage(withCert, { fifo: false }, 'm').body).toMatch(
      /"clientIp":"203.0.113.7:13345","certificateChainSn":"356217374433"}$/,
    );
  });
});

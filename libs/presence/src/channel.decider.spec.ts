import { describe, expect, it } from '@jest/globals';
import {
  decideChannel,
  openingChannel,
  serverDisconnectCode,
  type BrokerObservation,
  type ChannelEvent,
  type ConnectionState,
} from './channel.decider.js';
import type { PresenceReason } from './presence.events.js';

/** Given what the broker already saw of a channel, when it sees more, then these presence events follow. */
function given(protocolVersion: number, ...seen: BrokerObservation['type'][]) {
  let state: ConnectionState = openingChannel(protocolVersion);
  const history: ChannelEvent[] = [];
  const see = (observation: BrokerObservation) => {
    const decision = decideChannel(state, observation);
    state = decision.state;
    history.push(...decision.events);
    return decision.events;
  };
  for (const type of seen) see(observation(type));
  return {
    when: (...next: (BrokerObservation | BrokerObservation['type'])[]) => ({
      thenEvents: (expected: Partial<ChannelEvent>[]) => {
        const events = next.flatMap((o) => see(typeof o === 'string' ? observation(o) : o));
        expect(events).toEqual(expected.map((e) => ({ protocolVersion, ...e })));
        return { history, state };
      },
    }),
  };
}

function observation(type: BrokerObservation['type']): BrokerObservation {
  return type === 'ConnackSent' ? { type, accepted: true } : ({ type } as BrokerObservation);
}

const connected = { type: 'ClientConnected', reason: 'accepted' } as const;
const closed = (reason: PresenceReason, extra: Partial<ChannelEvent> = {}) => ({
  type: 'ClientConnectionClosed' as const,
  reason,
  ...extra,
});

describe('presence of one channel (SPEC §4)', () => {
  it('a CONNACK "accepted" gives connect', () => {
    given(4).when('ConnackSent').thenEvents([connected]);
  });

  it('a graceful end gives disconnect, then tcpclean, both "disconnected by client"', () => {
    given(4, 'ConnackSent')
      .when('DisconnectReceived', 'SocketClosed')
      .thenEvents([
        { type: 'ClientDisconnected', reason: 'disconnected by client' },
        closed('disconnected by client'),
      ]);
  });

  it('an MQTT 5 DISCONNECT records its reason code on disconnect and tcpclean (0x04: with will)', () => {
    given(5, 'ConnackSent')
      .when({ type: 'DisconnectReceived', reasonCode: 0x04 }, 'SocketClosed')
      .thenEvents([
        { type: 'ClientDisconnected', reason: 'disconnected by client', clientReasonCode: 0x04 },
        closed('disconnected by client', { clientReasonCode: 0x04 }),
      ]);
  });

  it('an MQTT 5 DISCONNECT without a reason code is 0x00 (normal disconnection)', () => {
    given(5, 'ConnackSent')
      .when({ type: 'DisconnectReceived' })
      .thenEvents([{ type: 'ClientDisconnected', reason: 'disconnected by client', clientReasonCode: 0 }]);
  });

  it('a socket that just closes gives tcpclean "closed by client" and no disconnect', () => {
    given(4, 'ConnackSent')
      .when('SocketClosed')
      .thenEvents([closed('closed by client')]);
  });

  it('a network error gives tcpclean "Socket IOException"', () => {
    given(4, 'ConnackSent')
      .when('NetworkError', 'SocketClosed')
      .thenEvents([closed('Socket IOException')]);
  });

  it('a keepalive timeout gives "no heart", even when a socket error follows it', () => {
    given(4, 'ConnackSent')
      .when('KeepaliveExpired', 'NetworkError', 'SocketClosed')
      .thenEvents([closed('no heart')]);
  });

  it('a takeover closes the old channel with "clientId conflict", telling an MQTT 5 client 0x8E', () => {
    given(5, 'ConnackSent')
      .when('TakenOver', 'SocketClosed')
      .thenEvents([closed('clientId conflict', { serverReasonCode: 0x8e })]);
    given(4, 'ConnackSent')
      .when('TakenOver', 'SocketClosed')
      .thenEvents([closed('clientId conflict')]);
  });

  it('Close connection gives "closed by server", 0x98 (administrative action) to an MQTT 5 client', () => {
    given(5, 'ConnackSent')
      .when('ClosedByServer', 'SocketClosed')
      .thenEvents([closed('closed by server', { serverReasonCode: 0x98 })]);
    expect(serverDisconnectCode('ClosedByServer')).toBe(0x98);
  });

  it('a shutdown gives "closed by server", 0x8B (server shutting down) to an MQTT 5 client', () => {
    given(5, 'ConnackSent')
      .when('ShutdownStarted', 'SocketClosed')
      .thenEvents([closed('closed by server', { serverReasonCode: 0x8b })]);
  });

  it('a PUBLISH refused to an MQTT 3.1.1 client ends its channel with "not authorized"', () => {
    given(4, 'ConnackSent')
      .when('NotAuthorized', 'SocketClosed')
      .thenEvents([closed('not authorized')]);
  });

  it('a DISCONNECT that arrives while the server is already ending the channel is not a disconnect', () => {
    given(5, 'ConnackSent', 'TakenOver')
      .when('DisconnectReceived', 'SocketClosed')
      .thenEvents([closed('clientId conflict', { serverReasonCode: 0x8e })]);
  });

  it('a refused CONNECT, or a socket closed before CONNACK, gives nothing at all', () => {
    given(5)
      .when({ type: 'ConnackSent', accepted: false }, 'DisconnectReceived', 'SocketClosed')
      .thenEvents([]);
    given(4).when('KeepaliveExpired', 'SocketClosed').thenEvents([]);
  });

  it('a closed channel gives nothing more, whatever the broker reports late', () => {
    const { state } = given(4, 'ConnackSent', 'SocketClosed')
      .when('SocketClosed', 'ConnackSent', 'DisconnectReceived', 'TakenOver')
      .thenEvents([]);
    expect(state.phase).toBe('closed');
  });

  it('a second CONNACK on an online channel gives no second connect', () => {
    given(4, 'ConnackSent').when('ConnackSent').thenEvents([]);
  });
});

import type { PresenceEventType, PresenceReason } from './presence.events.js';

/**
 * One TCP connection of a client, as the presence rules of SPEC §4 see it: what the broker observed in, the
 * presence events that follow out. The broker adapter only translates its callbacks into observations.
 */
export interface ConnectionState {
  phase: 'connecting' | 'online' | 'closed';
  /** The MQTT protocol level of its CONNECT: 3 (3.1), 4 (3.1.1) or 5 (5.0). */
  protocolVersion: number;
  /** Why it is closing, once known better than "closed by client"; the first known reason wins. */
  closeReason?: PresenceReason;
  /** MQTT 5: the reason code of the client's own DISCONNECT. */
  clientReasonCode?: number;
  /** MQTT 5: the reason code the broker sent with its DISCONNECT. */
  serverReasonCode?: number;
}

export type BrokerObservation =
  | { type: 'ConnackSent'; accepted: boolean }
  | { type: 'DisconnectReceived'; reasonCode?: number }
  | { type: 'KeepaliveExpired' }
  | { type: 'NetworkError' }
  | { type: 'TakenOver' }
  | { type: 'ClosedByServer' }
  | { type: 'NotAuthorized' }
  | { type: 'ShutdownStarted' }
  | { type: 'SocketClosed' };

/** What the adapter turns into a presence event, adding the client, channel, address and time. */
export interface ChannelEvent {
  type: PresenceEventType;
  reason: PresenceReason;
  protocolVersion: number;
  clientReasonCode?: number;
  serverReasonCode?: number;
}

/** MQTT 5 DISCONNECT reason codes a server sends (MQTT 5.0 §3.14.2.1). */
export const SERVER_DISCONNECT_CODES = {
  serverShuttingDown: 0x8b,
  sessionTakenOver: 0x8e,
  administrativeAction: 0x98,
} as const;

/** Server-side ends: the reason the channel closes with and, to an MQTT 5 client, the code it is told. */
const SERVER_ENDS: Partial<Record<BrokerObservation['type'], { reason: PresenceReason; code?: number }>> = {
  KeepaliveExpired: { reason: 'no heart' },
  NetworkError: { reason: 'Socket IOException' },
  TakenOver: { reason: 'clientId conflict', code: SERVER_DISCONNECT_CODES.sessionTakenOver },
  ClosedByServer: { reason: 'closed by server', code: SERVER_DISCONNECT_CODES.administrativeAction },
  ShutdownStarted: { reason: 'closed by server', code: SERVER_DISCONNECT_CODES.serverShuttingDown },
  // An MQTT 3.1.1 client's refused PUBLISH ends its connection (MQTT 5 clients get a 0x87 acknowledgement).
  NotAuthorized: { reason: 'not authorized' },
};

export function openingChannel(protocolVersion: number): ConnectionState {
  return { phase: 'connecting', protocolVersion };
}

/** The MQTT 5 DISCONNECT code the broker sends a v5 client for this end, if any. */
export function serverDisconnectCode(observation: BrokerObservation['type']): number | undefined {
  return SERVER_ENDS[observation]?.code;
}

export function decideChannel(
  state: ConnectionState,
  observation: BrokerObservation,
): { state: ConnectionState; events: ChannelEvent[] } {
  const unchanged = { state, events: [] };
  if (state.phase === 'closed') return unchanged;
  const event = (
    type: PresenceEventType,
    reason: PresenceReason,
    at: ConnectionState = state,
  ): ChannelEvent => ({
    type,
    reason,
    protocolVersion: at.protocolVersion,
    ...(at.clientReasonCode !== undefined && { clientReasonCode: at.clientReasonCode }),
    ...(at.serverReasonCode !== undefined && { serverReasonCode: at.serverReasonCode }),
  });

  switch (observation.type) {
    case 'ConnackSent':
      if (state.phase !== 'connecting') return unchanged;
      // A refused CONNECT ends the channel without a notification (SPEC §2).
      if (!observation.accepted) return { state: { ...state, phase: 'closed' }, events: [] };
      return { state: { ...state, phase: 'online' }, events: [event('ClientConnected', 'accepted')] };
    case 'DisconnectReceived': {
      if (state.phase !== 'online' || state.closeReason) return unchanged;
      const next: ConnectionState = {
        ...state,
        closeReason: 'disconnected by client',
        ...(state.protocolVersion === 5 && { clientReasonCode: observation.reasonCode ?? 0 }),
      };
      return { state: next, events: [event('ClientDisconnected', 'disconnected by client', next)] };
    }
    case 'SocketClosed': {
      const closed: ConnectionState = { ...state, phase: 'closed' };
      if (state.phase !== 'online') return { state: closed, events: [] };
      return {
        state: closed,
        events: [event('ClientConnectionClosed', state.closeReason ?? 'closed by client')],
      };
    }
    default: {
      const end = SERVER_ENDS[observation.type]!;
      if (state.closeReason) return unchanged;
      const told = end.code !== undefined && state.protocolVersion === 5;
      return {
        state: { ...state, closeReason: end.reason, ...(told && { serverReasonCode: end.code }) },
        events: [],
      };
    }
  }
}

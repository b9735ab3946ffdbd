import type { EventLog, RecordedEvent, Retention } from '#libs/event-store';
import { clientStream, refusedConnectStream } from '#libs/presence';
import * as z from 'zod';
import { checkedClientId, parseParams, time } from '../http/query-params.js';
import { retainedSince } from '../retention/retained-since.js';

export const TRACE_QUERY = z.object({ from: time(0), to: time(Number.MAX_SAFE_INTEGER) });

/** The original's device trace actions: connect, close (the TCP connection ended), disconnect. */
const ACTIONS: Record<string, string> = {
  ClientConnected: 'connect',
  ClientDisconnected: 'disconnect',
  ClientConnectionClosed: 'close',
  ClientConnectRefused: 'connect',
};

/**
 * A client's trace (QueryMqttTraceDevice): every connect, disconnect and close, refused connects and refused
 * PUBLISH / SUBSCRIBE included. When the range starts before what retention kept, `retainedSince` says from when
 * the trace is complete: older entries were removed (EVENT_RETENTION).
 */
export async function readClientTrace(store: EventLog & Retention, clientId: string, query: unknown) {
  const id = checkedClientId(clientId, 'clientId');
  const { from: since, to: until } = parseParams(TRACE_QUERY, query);
  const [connections, refusals, kept] = await Promise.all([
    store.readStream(clientStream(id)),
    store.readStream(refusedConnectStream(id)),
    retainedSince(store, Date.now()),
  ]);
  const entries = [...connections, ...refusals]
    .filter((event) => {
      const at = event.data['time'] as number;
      return at >= since && at <= until;
    })
    .sort((a, b) => (a.data['time'] as number) - (b.data['time'] as number) || a.position - b.position)
    .map(entry);
  const incomplete = kept !== undefined && since < kept ? kept : undefined;
  return {
    clientId,
    items: entries,
    total: entries.length,
    ...(incomplete !== undefined && { retainedSince: new Date(incomplete).toISOString() }),
  };
}

/** The protocol level and MQTT 5 reason codes, and refusals counted but not traced, where recorded. */
function mqttDetails(data: RecordedEvent['data']) {
  const pick = (name: string) => (typeof data[name] === 'number' ? { [name]: data[name] } : {});
  return {
    ...pick('protocolVersion'),
    ...pick('clientReasonCode'),
    ...pick('serverReasonCode'),
    ...pick('refusedSinceNotTraced'),
  };
}

function entry(event: RecordedEvent) {
  const refused = event.type === 'ClientConnectRefused' || event.type === 'ClientTopicRefused';
  const action = event.type === 'ClientTopicRefused' ? String(event.data['action']) : ACTIONS[event.type];
  return {
    time: new Date(event.data['time'] as number).toISOString(),
    ...(refused ? {} : { channelId: event.data['channelId'], seq: event.version }),
    action: action ?? event.type,
    actionCode: `mqtt.trace.action.${action ?? 'unknown'}`,
    reason: event.data['reason'],
    ...mqttDetails(event.data),
    ...(refused && { refused: true, detail: event.data['detail'] }),
    ...(event.data['inferred'] === true && { inferred: true }),
  };
}

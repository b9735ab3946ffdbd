// Test fixtures for dispatch: a rule seeded through the real control plane decider, presence events written to
// the store as presence-ingest writes them, and the checks of what a consumer received.
import { expect } from '@jest/globals';
import { newEventId, type EventStore, type RecordedEvent, type StreamAppend } from '#libs/event-store';
import { clientStream, type PresenceEventType } from '#libs/presence';
import {
  controlPlaneStream,
  decideControlPlane,
  evolveControlPlane,
  initialControlPlaneState,
  type ControlPlaneCommand,
} from '#libs/rules';
import { rocketmqEndpoint, type ReceivedMessage } from './rocketmq.js';

export const MQTT_INSTANCE = 'mqtt-test';

export interface SeededRule {
  ruleId: string;
  groupId: string;
  topic: string;
}

/**
 * Registers the local RocketMQ as `rmq-local` (its proxy, or `address`: e.g. `{ nameServer }` for the remoting
 * kind), then each rule's group and the enabled rule, as rule-manager would.
 */
export async function seedRules(
  store: EventStore,
  rules: SeededRule[],
  address: { endpoints: string } | { nameServer: string } = { endpoints: rocketmqEndpoint() },
): Promise<void> {
  const commands: ControlPlaneCommand[] = [
    {
      type: 'RegisterRocketmqInstance',
      data: { input: { instanceId: 'rmq-local', region: 'local', ...address } },
    },
  ];
  for (const { ruleId, groupId, topic } of rules) {
    commands.push({ type: 'RegisterGroup', data: { input: { groupId } } });
    commands.push({
      type: 'CreateRule',
      data: {
        input: {
          ruleId,
          status: 'ENABLED',
          ruleType: 'CLIENT_STATUS_NOTIFY',
          source: { groupId },
          target: { serviceType: 'ROCKETMQ', instanceId: 'rmq-local', topic },
        },
      },
    });
  }
  const context = { mqttInstanceId: MQTT_INSTANCE, region: 'local', maxRulesPerInstance: 100 };
  let state = initialControlPlaneState();
  for (const command of commands) {
    const events = decideControlPlane(command, state, context);
    const occurredAt = Date.now();
    const stored = events.map((event) => ({
      eventId: newEventId(),
      ...event,
      metadata: { actor: 'test', occurredAt },
    }));
    await store.append(controlPlaneStream(MQTT_INSTANCE), stored, state.version);
    for (const [i, event] of events.entries())
      state = evolveControlPlane(state, event, { streamVersion: state.version + 1 + i, occurredAt });
  }
}

/** connect, disconnect, tcpclean, connect, … : the n-th presence event of a client. */
const CYCLE: PresenceEventType[] = ['ClientConnected', 'ClientDisconnected', 'ClientConnectionClosed'];

/**
 * Appends `perClient` presence events for each of `clients` clients, round-robin in batches, at about
 * `perSecond` events per second. Resolves once all are stored.
 */
export async function writePresence(
  store: EventStore,
  {
    groupId,
    clients,
    perClient,
    perSecond,
  }: { groupId: string; clients: number; perClient: number; perSecond: number },
): Promise<void> {
  const batch = Math.max(1, Math.round(perSecond / 20));
  const events: { clientId: string; type: PresenceEventType; n: number }[] = [];
  for (let n = 0; n < perClient; n++)
    for (let c = 0; c < clients; c++)
      events.push({ clientId: `${groupId}@@@dev-${c}`, type: CYCLE[n % 3]!, n });
  for (let start = 0; start < events.length; start += batch) {
    const appends: StreamAppend[] = events.slice(start, start + batch).map(({ clientId, type, n }) => ({
      stream: clientStream(clientId),
      expectedVersion: n,
      events: [
        {
          eventId: newEventId(),
          type,
          data: {
            clientId,
            channelId: `${String(Math.floor(n / 3)).padStart(4, '0')}${'0'.repeat(28)}`,
            clientIp: '127.0.0.1:40000',
            time: Date.now(),
            reason: type === 'ClientConnected' ? 'accepted' : 'closed by client',
          },
          metadata: { actor: 'test', occurredAt: Date.now() },
        },
      ],
    }));
    await appendRetrying(store, appends);
    await new Promise((resolve) => setTimeout(resolve, (batch / perSecond) * 1000));
  }
}

/** The store may be restarting under the test (PostgreSQL fault test): retry like presence-ingest does. */
async function appendRetrying(store: EventStore, appends: StreamAppend[]): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await store.appendMany(appends);
      return;
    } catch (error) {
      if (attempt >= 60) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

const clientOf = (message: ReceivedMessage) => (JSON.parse(message.body) as { clientId: string }).clientId;
const seqOf = (message: ReceivedMessage) => Number(message.properties['seq']);

/** True once every client's sequence 1 … perClient has arrived at least once. */
export function allArrived(clients: number, perClient: number) {
  return (received: ReceivedMessage[]) =>
    new Set(received.map((message) => `${clientOf(message)}#${seqOf(message)}`)).size >= clients * perClient;
}

/**
 * At least once and in order per client: every sequence number arrived, each client's first arrivals come in
 * sequence order (a duplicate may repeat a tail after a crash, never skip ahead), and a duplicate carries the same
 * notification ID as the original. Returns the number of duplicates.
 */
export function expectDeliveredInOrder(
  received: ReceivedMessage[],
  clients: number,
  perClient: number,
): number {
  const byClient = new Map<string, ReceivedMessage[]>();
  for (const message of received)
    byClient.set(clientOf(message), [...(byClient.get(clientOf(message)) ?? []), message]);
  expect(byClient.size).toBe(clients);
  let duplicates = 0;
  for (const [clientId, messages] of byClient) {
    const firstSeen: number[] = [];
    const notificationIds = new Map<number, string>();
    for (const message of messages) {
      const seq = seqOf(message);
      const notificationId = message.keys[1]!;
      if (notificationIds.has(seq)) {
        duplicates++;
        expect({ clientId, seq, notificationId }).toEqual({
          clientId,
          seq,
          notificationId: notificationIds.get(seq),
        });
      } else {
        notificationIds.set(seq, notificationId);
        firstSeen.push(seq);
      }
    }
    expect({ clientId, firstSeen }).toEqual({
      clientId,
      firstSeen: Array.from({ length: perClient }, (_, i) => i + 1),
    });
  }
  return duplicates;
}

/** Every delivery outcome recorded so far (NotificationForwarded, NotificationFailed, …), in store order. */
export async function outcomes(store: EventStore): Promise<RecordedEvent[]> {
  return store.readAll(0, { filter: { streamPrefixes: ['delivery-'] }, limit: 100_000 });
}

export const forwardedIds = (events: RecordedEvent[]) =>
  events
    .filter((event) => event.type === 'NotificationForwarded')
    .map((event) => event.data['notificationId']);

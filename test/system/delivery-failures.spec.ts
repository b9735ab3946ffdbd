import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openEventStore, type EventStore, type RecordedEvent } from '#libs/event-store';
import { isolatedEnv, startApp, type RunningApp } from '../support/app-processes.js';
import { allArrived, expectDeliveredInOrder, seedRules, writePresence } from '../support/delivery.js';
import { collectMessages, createConsumerGroup, createTopic } from '../support/rocketmq.js';
import { eventually } from '../support/system-clients.js';

/**
 * Permanent failures: a rule whose topic does not exist dead-letters each notification after
 * DISPATCH_MAX_ATTEMPTS, one client notification after the other in sequence order, while the clients of a
 * healthy rule are delivered meanwhile.
 */
const suffix = Date.now();
const OK_TOPIC = `failures-ok-${suffix}`;
const MISSING_TOPIC = `failures-missing-${suffix}`;
/** A DELAY topic: it accepts no status notification (the wrong message type). */
const DELAY_TOPIC = `failures-delay-${suffix}`;
const CONSUMER_GROUP = `failures-consumer-${suffix}`;

let store: EventStore;
let dispatch: RunningApp;
let outcomes: RecordedEvent[];

beforeAll(async () => {
  await createTopic(OK_TOPIC, { fifo: true });
  await createTopic(DELAY_TOPIC, { type: 'DELAY' });
  await createConsumerGroup(CONSUMER_GROUP, { fifo: true });
  const env = await isolatedEnv({
    DISPATCH_MAX_ATTEMPTS: '3',
    DISPATCH_RETRY_BASE_MS: '100',
    DISPATCH_RETRY_MAX_MS: '1000',
  });
  store = await openEventStore(`sqlite:${env['DATA_DIR']}/events.db`);
  await seedRules(store, [
    { ruleId: 'rule-missing', groupId: 'GID_missing', topic: MISSING_TOPIC },
    { ruleId: 'rule-ok', groupId: 'GID_healthy', topic: OK_TOPIC },
    { ruleId: 'rule-delay', groupId: 'GID_delay', topic: DELAY_TOPIC },
  ]);
  await writePresence(store, { groupId: 'GID_missing', clients: 2, perClient: 3, perSecond: 1000 });
  await writePresence(store, { groupId: 'GID_healthy', clients: 10, perClient: 3, perSecond: 1000 });
  await writePresence(store, { groupId: 'GID_delay', clients: 1, perClient: 2, perSecond: 1000 });
  dispatch = await startApp('rocketmq-dispatch', env);
}, 60_000);

afterAll(async () => {
  await dispatch?.stop();
  await store?.close();
});

describe('permanent delivery failures', () => {
  it('delivers the healthy rule in order while the other one fails', async () => {
    const received = await collectMessages(OK_TOPIC, {
      consumerGroup: CONSUMER_GROUP,
      expected: 30,
      until: allArrived(10, 3),
      timeoutMs: 60_000,
    });
    expectDeliveredInOrder(received, 10, 3);
  }, 90_000);

  it('dead-letters each notification of the missing topic after 3 attempts, in sequence order', async () => {
    outcomes = await eventually(
      () => store.readAll(0, { filter: { streamPrefixes: ['delivery-rule-missing'] }, limit: 1_000 }),
      (events) => events.filter((event) => event.type === 'NotificationDeadLettered').length >= 6,
      30_000,
    );
    for (const clientId of ['GID_missing@@@dev-0', 'GID_missing@@@dev-1']) {
      const own = outcomes.filter((event) => event.data['clientId'] === clientId);
      // attempt 1, 2, 3 failed, then dead-lettered: seq 1 entirely before seq 2, seq 2 before seq 3.
      expect(own.map((event) => `${event.data['seq']} ${event.type} ${event.data['attempt'] ?? ''}`)).toEqual(
        [1, 2, 3].flatMap((seq) => [
          `${seq} NotificationFailed 1`,
          `${seq} NotificationFailed 2`,
          `${seq} NotificationFailed 3`,
          `${seq} NotificationDeadLettered `,
        ]),
      );
    }
    const deadLettered = outcomes.find((event) => event.type === 'NotificationDeadLettered')!;
    expect(deadLettered.data).toMatchObject({
      ruleId: 'rule-missing',
      topic: MISSING_TOPIC,
      rocketmqInstanceId: 'rmq-local',
      attempts: 3,
      error: expect.stringContaining('NotFoundException'),
    });
    const failures = outcomes.filter((event) => event.type === 'NotificationFailed');
    expect(failures.every((event) => event.data['failure'] === 'permanent')).toBe(true);
    expect(dispatch.output()).toContain(`dead-lettered after 3 attempts to topic ${MISSING_TOPIC}`);
  }, 60_000);

  it('dead-letters notifications to a topic of the wrong message type, as permanent failures', async () => {
    const delay = await eventually(
      () => store.readAll(0, { filter: { streamPrefixes: ['delivery-rule-delay'] }, limit: 1_000 }),
      (events) => events.filter((event) => event.type === 'NotificationDeadLettered').length >= 2,
      30_000,
    );
    expect(delay.map((event) => `${event.data['seq']} ${event.type} ${event.data['failure'] ?? ''}`)).toEqual(
      [1, 2].flatMap((seq) => [
        `${seq} NotificationFailed permanent`,
        `${seq} NotificationFailed permanent`,
        `${seq} NotificationFailed permanent`,
        `${seq} NotificationDeadLettered `,
      ]),
    );
    expect(delay.at(-1)!.data['error']).toMatch(/message type not match/);
  }, 60_000);

  it('moves the checkpoint past every settled notification', async () => {
    const presence = await store.readAll(0, { filter: { streamPrefixes: ['client-'] }, limit: 1_000 });
    const lastPresence = presence.at(-1)!.position;
    const checkpoint = await eventually(
      () => store.loadCheckpoint('rocketmq-dispatch'),
      (position) => position >= lastPresence,
    );
    expect(checkpoint).toBeGreaterThanOrEqual(lastPresence);
  });
});

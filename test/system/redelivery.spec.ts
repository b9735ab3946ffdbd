import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openEventStore, type EventStore } from '#libs/event-store';
import { isolatedEnv, startApp, type RunningApp } from '../support/app-processes.js';
import { allArrived, expectDeliveredInOrder, seedRules, writePresence } from '../support/delivery.js';
import {
  collectMessages,
  createConsumerGroup,
  createTopics,
  waitUntilRoutable,
  type ReceivedMessage,
} from '../support/rocketmq.js';
import { Scrape } from '../support/prometheus.js';
import { apiOf, eventually } from '../support/system-clients.js';

/**
 * Replay, dead letters and redrive through the API, with rule-manager and rocketmq-dispatch as processes and the
 * real RocketMQ: what the operator asks for is recorded, sent in order, and the rule's counters still add up.
 */
const suffix = Date.now();
const LIVE_TOPIC = `redelivery-live-${suffix}`;
const REPLAY_TOPIC = `redelivery-replay-${suffix}`;
const LATE_TOPIC = `redelivery-late-${suffix}`; // created only after its notifications were dead-lettered
const GROUP = (topic: string) => `${topic}-consumer`;

let env: Record<string, string>;
let store: EventStore;
let apps: RunningApp[] = [];
const api = (...args: Parameters<ReturnType<typeof apiOf>>) => apiOf(env)(...args);
const counters = async (ruleId: string) => (await api('GET', `/api/v1/rules/${ruleId}/counters`)).body;
const clientOf = (message: ReceivedMessage) => (JSON.parse(message.body) as { clientId: string }).clientId;

beforeAll(async () => {
  await createTopics([
    { name: LIVE_TOPIC, fifo: true },
    { name: REPLAY_TOPIC, fifo: true },
  ]);
  for (const topic of [LIVE_TOPIC, REPLAY_TOPIC, LATE_TOPIC])
    await createConsumerGroup(GROUP(topic), { fifo: true });
  env = await isolatedEnv({
    DISPATCH_MAX_ATTEMPTS: '2',
    DISPATCH_RETRY_BASE_MS: '100',
    DISPATCH_RETRY_MAX_MS: '500',
  });
  store = await openEventStore(`sqlite:${env['DATA_DIR']}/events.db`);
  await seedRules(store, [
    { ruleId: 'rule-live', groupId: 'GID_live', topic: LIVE_TOPIC },
    { ruleId: 'rule-late', groupId: 'GID_late', topic: LATE_TOPIC },
  ]);
  await writePresence(store, { groupId: 'GID_live', clients: 5, perClient: 4, perSecond: 1000 });
  await writePresence(store, { groupId: 'GID_late', clients: 2, perClient: 2, perSecond: 1000 });
  apps = [await startApp('rule-manager', env), await startApp('rocketmq-dispatch', env)];
}, 90_000);

afterAll(async () => {
  await Promise.all(apps.map((app) => app.stop()));
  await store?.close();
});

describe('replay', () => {
  it('counts every matched notification as forwarded once it is delivered', async () => {
    const received = await collectMessages(LIVE_TOPIC, {
      consumerGroup: GROUP(LIVE_TOPIC),
      expected: 20,
      until: allArrived(5, 4),
      timeoutMs: 60_000,
    });
    expectDeliveredInOrder(received, 5, 4);
    const live = await eventually(
      () => counters('rule-live'),
      (body) => body['forwarded'] === 20,
    );
    expect(live).toMatchObject({ matched: 20, forwarded: 20, deadLettered: 0, pending: 0, replayed: 0 });
    expect(
      live['perMinute'].reduce((sum: number, minute: { forwarded: number }) => sum + minute.forwarded, 0),
    ).toBe(20);
  }, 90_000);

  it('re-sends one client’s notifications of a time range to another topic, marked as a replay, in order', async () => {
    const refused = await api('POST', '/api/v1/rules/rule-live/replay', { from: 2_000, to: 1_000 });
    expect(refused.status).toBe(400);
    expect(refused.body['errors']?.[0] ?? refused.body).toMatchObject({ field: 'to' });

    const request = {
      from: 0,
      to: new Date().toISOString(),
      clientId: 'GID_live@@@dev-1',
      topic: REPLAY_TOPIC,
    };
    const accepted = await api('POST', '/api/v1/rules/rule-live/replay', request);
    expect(accepted).toMatchObject({
      status: 202,
      body: { ruleId: 'rule-live', notifications: 4, topic: REPLAY_TOPIC },
    });
    const replayId = accepted.body['replayId'] as string;

    const replayed = await collectMessages(REPLAY_TOPIC, {
      consumerGroup: GROUP(REPLAY_TOPIC),
      expected: 4,
      timeoutMs: 30_000,
    });
    expect(
      replayed.map((message) => [clientOf(message), message.properties['seq'], message.properties['replay']]),
    ).toEqual([1, 2, 3, 4].map((seq) => ['GID_live@@@dev-1', String(seq), replayId]));
    // The same notification IDs as the first delivery: a consumer that drops duplicates must look at `replay`.
    const firstDeliveries = (await store.readStream('delivery-rule-live')).filter(
      (event) =>
        event.type === 'NotificationForwarded' &&
        event.data['clientId'] === 'GID_live@@@dev-1' &&
        event.data['resend'] === undefined,
    );
    expect(replayed.map((message) => message.keys[1])).toEqual(
      firstDeliveries.map((event) => event.data['notificationId']),
    );

    const [requested, ...resends] = await store.readStream(`redelivery-replay-${replayId}`);
    expect(requested).toMatchObject({
      type: 'ReplayRequested',
      data: {
        replayId,
        ruleId: 'rule-live',
        clientId: 'GID_live@@@dev-1',
        topic: REPLAY_TOPIC,
        notifications: 4,
      },
      metadata: { actor: 'e2e' },
    });
    expect(resends.map((event) => event.type)).toEqual(Array(4).fill('NotificationResendRequested'));

    const after = await eventually(
      () => counters('rule-live'),
      (body) => body['replayForwarded'] === 4,
    );
    expect(after).toMatchObject({ matched: 20, forwarded: 20, pending: 0, replayed: 4, replayForwarded: 4 });
    const log = (await api('GET', '/api/v1/notifications?ruleId=rule-live&clientId=GID_live@@@dev-1')).body;
    expect(log['items'].filter((item: { resend?: unknown }) => item.resend)).toHaveLength(4);
  }, 90_000);
});

describe('dead letters and redrive', () => {
  it('lists each dead-lettered notification, and the counters add up', async () => {
    const listed = await eventually(
      async () => (await api('GET', '/api/v1/dead-letters?ruleId=rule-late')).body,
      (body) => body['total'] === 4,
      30_000,
    );
    expect(listed['items'][0]).toMatchObject({
      deadLetterId: expect.stringMatching(/^rule-late:/),
      ruleId: 'rule-late',
      topic: LATE_TOPIC,
      attempts: 2,
      error: expect.stringContaining('NotFound'),
    });
    expect((await api('GET', '/api/v1/dead-letters?ruleId=rule-live')).body['total']).toBe(0);
    const late = await eventually(
      () => counters('rule-late'),
      (body) => body['deadLettered'] === 4,
    );
    expect(late).toMatchObject({ matched: 4, forwarded: 0, deadLettered: 4, pending: 0 });

    // The same counters on rule-manager's /metrics.
    const scrape = await Scrape.of(`http://127.0.0.1:${env['HTTP_PORT']}/metrics`);
    const state = (rule_id: string, name: string) =>
      scrape.value('msr_delivery_notifications', { rule_id, state: name });
    expect(
      ['matched', 'forwarded', 'dead_lettered', 'pending'].map((name) => state('rule-late', name)),
    ).toEqual([4, 0, 4, 0]);
    expect(state('rule-live', 'forwarded')).toBe(20);
    expect(state('rule-live', 'replay_forwarded')).toBe(4);
  }, 60_000);

  it('redrives a dead letter once its topic exists: delivered with the same notification ID, once', async () => {
    await createTopics([{ name: LATE_TOPIC, fifo: true }]);
    await waitUntilRoutable(LATE_TOPIC);
    const { items } = (await api('GET', '/api/v1/dead-letters?ruleId=rule-late')).body;
    const first = items.find(
      (item: { clientId: string; seq: number }) => item.clientId === 'GID_late@@@dev-0' && item.seq === 1,
    );
    const redriven = await api('POST', `/api/v1/dead-letters/${first.deadLetterId}/redrive`);
    expect(redriven).toMatchObject({ status: 202, body: { deadLetterId: first.deadLetterId } });
    expect((await api('POST', `/api/v1/dead-letters/${first.deadLetterId}/redrive`)).status).toBe(409);
    expect((await api('POST', '/api/v1/dead-letters/rule-late:no-such-letter/redrive')).status).toBe(404);

    const [message] = await collectMessages(LATE_TOPIC, {
      consumerGroup: GROUP(LATE_TOPIC),
      expected: 1,
      timeoutMs: 30_000,
    });
    expect(message!.keys[1]).toBe(first.notificationId);
    expect(message!.properties).toMatchObject({ seq: '1', redrive: redriven.body['redriveId'] });

    const late = await eventually(
      () => counters('rule-late'),
      (body) => body['forwarded'] === 1,
    );
    expect(late).toMatchObject({ matched: 4, forwarded: 1, deadLettered: 3, pending: 0, redriven: 1 });
    const letter = (await api('GET', '/api/v1/dead-letters?ruleId=rule-late')).body['items'].find(
      (item: { deadLetterId: string }) => item.deadLetterId === first.deadLetterId,
    );
    expect(letter['redrive']).toMatchObject({
      redriveId: redriven.body['redriveId'],
      requestedBy: 'e2e',
    });
  }, 60_000);
});

describe('audit replay', () => {
  it('rebuilds the counters and dead letters from the events alone, to the same answers', async () => {
    const reads = [
      '/api/v1/rules/rule-live/counters',
      '/api/v1/rules/rule-late/counters',
      '/api/v1/dead-letters',
    ];
    const before = await Promise.all(reads.map(async (path) => (await api('GET', path)).body));
    await apps[0]!.stop();
    const rebuild = spawnSync(process.execPath, ['dist/apps/rule-manager/src/rebuild-projections.js'], {
      cwd: resolve(import.meta.dirname, '../..'),
      env: { ...process.env, ...env },
      encoding: 'utf8',
    });
    expect(rebuild.stdout).toContain('delivery counters and dead letters rebuilt');
    apps[0] = await startApp('rule-manager', env);
    const after = await eventually(
      () => Promise.all(reads.map(async (path) => (await api('GET', path)).body)),
      (bodies) => JSON.stringify(bodies) === JSON.stringify(before),
    );
    expect(after).toEqual(before);
  }, 60_000);
});

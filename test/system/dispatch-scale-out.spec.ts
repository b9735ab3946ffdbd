import { afterEach, describe, expect, it } from '@jest/globals';
import { openEventStore, type EventStore, type RecordedEvent } from '#libs/event-store';
import { isolatedEnv, startApp, type RunningApp } from '../support/app-processes.js';
import { allArrived, expectDeliveredInOrder, seedRules, writePresence } from '../support/delivery.js';
import { collectMessages, createConsumerGroup, createTopic } from '../support/rocketmq.js';
import { eventually } from '../support/system-clients.js';

/**
 * Two rocketmq-dispatch processes on one store (SQLite, then PostgreSQL) share the partitions of the client ID hash by leases in the
 * store. 50 clients × 20 presence events (about 10 s) go to a FIFO topic; one dispatcher is killed with SIGKILL
 * mid-stream and the other takes its partitions once their leases expire. A consumer still gets every
 * notification at least once, each client's in order, duplicates with the notification ID of the original.
 */
const CLIENTS = 50;
const PER_CLIENT = 20;
const TOTAL = CLIENTS * PER_CLIENT;
const GROUP = 'GID_scaleout';
const PARTITIONS = 16;
const LEASE_TTL_MS = 2_000;

const running: { apps: RunningApp[]; stores: EventStore[] } = { apps: [], stores: [] };

afterEach(async () => {
  await Promise.all(running.apps.splice(0).map((app) => app.stop()));
  await Promise.all(running.stores.splice(0).map((store) => store.close()));
});

const outcomes = (store: EventStore) =>
  store.readAll(0, { filter: { streamPrefixes: ['delivery-'] }, limit: 100_000 });
const forwarded = (events: RecordedEvent[], node?: string) =>
  events.filter(
    (event) =>
      event.type === 'NotificationForwarded' && (node === undefined || event.metadata['node'] === node),
  );
/** Partitions by owner, from the unexpired leases. */
async function owners(store: EventStore): Promise<Map<string, number>> {
  const now = Date.now();
  const counts = new Map<string, number>();
  for (const lease of await store.readLeases(`rocketmq-dispatch/${PARTITIONS}/`))
    if (lease.expiresAt > now) counts.set(lease.owner, (counts.get(lease.owner) ?? 0) + 1);
  return counts;
}
const nodeOf = (app: RunningApp) => /node (\S+),/.exec(app.output())![1]!;

const STORES: [string, (dataDir: string) => string][] = [
  ['SQLite', (dataDir) => `sqlite:${dataDir}/events.db`],
  ['PostgreSQL', () => `postgres://postgres@127.0.0.1:5432/test?schema=scaleout_${Date.now()}`],
];

describe.each(STORES)('two rocketmq-dispatch processes on %s', (_, storeUrl) => {
  it('share the partitions, and the survivor takes over a killed one without loss or reordering', async () => {
    const suffix = Date.now();
    const topic = `scaleout-${suffix}`;
    const consumerGroup = `scaleout-consumer-${suffix}`;
    await createTopic(topic, { fifo: true });
    await createConsumerGroup(consumerGroup, { fifo: true });
    const settings = {
      DISPATCH_RETRY_BASE_MS: '200',
      DISPATCH_RETRY_MAX_MS: '2000',
      DISPATCH_PARTITIONS: String(PARTITIONS),
      DISPATCH_LEASE_TTL_MS: String(LEASE_TTL_MS),
    };
    const first = await isolatedEnv(settings);
    const shared = { DATA_DIR: first['DATA_DIR']!, EVENT_STORE_URL: storeUrl(first['DATA_DIR']!) };
    // Its own bus and metrics ports (hence its own node name), the same store and credentials key.
    const second = { ...(await isolatedEnv(settings)), ...shared };
    const store = await openEventStore(shared.EVENT_STORE_URL);
    running.stores.push(store);
    await seedRules(store, [{ ruleId: 'rule-scaleout', groupId: GROUP, topic }]);

    const dispatchA = await startApp('rocketmq-dispatch', { ...first, ...shared });
    running.apps.push(dispatchA);
    const dispatchB = await startApp('rocketmq-dispatch', second);
    running.apps.push(dispatchB);
    const [nodeA, nodeB] = [nodeOf(dispatchA), nodeOf(dispatchB)];
    expect(nodeA).not.toBe(nodeB);
    const split = await eventually(
      () => owners(store),
      (counts) => counts.get(nodeA) === PARTITIONS / 2 && counts.get(nodeB) === PARTITIONS / 2,
      10_000,
    );
    expect(Object.fromEntries(split)).toEqual({ [nodeA]: PARTITIONS / 2, [nodeB]: PARTITIONS / 2 });

    const writing = writePresence(store, {
      groupId: GROUP,
      clients: CLIENTS,
      perClient: PER_CLIENT,
      perSecond: 100,
    });
    const sentByBoth = await eventually(
      () => outcomes(store),
      (events) => forwarded(events, nodeA).length >= 100 && forwarded(events, nodeB).length >= 100,
      30_000,
    );
    expect(forwarded(sentByBoth, nodeA).length).toBeGreaterThanOrEqual(100);
    expect(forwarded(sentByBoth, nodeB).length).toBeGreaterThanOrEqual(100);

    dispatchA.process.kill('SIGKILL');
    const killedAt = Date.now();
    await dispatchA.stop();
    const takenOver = await eventually(
      () => owners(store),
      (counts) => counts.get(nodeB) === PARTITIONS,
      LEASE_TTL_MS + 5_000,
    );
    expect(takenOver.get(nodeB)).toBe(PARTITIONS);
    expect(Date.now() - killedAt).toBeLessThan(LEASE_TTL_MS + 5_000);
    await writing;

    const received = await collectMessages(topic, {
      consumerGroup,
      expected: TOTAL,
      until: allArrived(CLIENTS, PER_CLIENT),
      timeoutMs: 120_000,
    });
    const duplicates = expectDeliveredInOrder(received, CLIENTS, PER_CLIENT);
    expect(received.length).toBe(TOTAL + duplicates);
    // Each notification is recorded forwarded once, whichever dispatcher sent it (and however often).
    const recorded = await eventually(
      () => outcomes(store),
      (events) => forwarded(events).length >= TOTAL,
    );
    const ids = forwarded(recorded).map((event) => event.data['notificationId']);
    expect(new Set(ids).size).toBe(TOTAL);
    expect(ids).toHaveLength(TOTAL);
    expect(forwarded(recorded, nodeB).length).toBeGreaterThan(forwarded(sentByBoth, nodeB).length);
    expect(dispatchB.output()).toContain(`forwarding presence events of all ${PARTITIONS} partitions`);
  }, 300_000);
});

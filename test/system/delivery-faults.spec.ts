import { afterEach, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { openEventStore, type EventStore } from '#libs/event-store';
import { isolatedEnv, startApp, type RunningApp } from '../support/app-processes.js';
import {
  allArrived,
  expectDeliveredInOrder,
  forwardedIds,
  outcomes,
  seedRules,
} from '../support/delivery.js';
import {
  CLIENTS,
  PER_CLIENT,
  TOTAL,
  throughDispatchKill,
  throughOutage,
  writeThousandEvents,
} from '../support/fault-scenarios.js';
import {
  collectMessages,
  createConsumerGroup,
  createTopic,
  startBroker,
  stopBroker,
} from '../support/rocketmq.js';
import { eventually } from '../support/system-clients.js';

/**
 * At least once, in order per client, through the faults of real processes: RocketMQ stopped for 30 s, dispatch
 * killed with SIGKILL, the store's PostgreSQL restarted. Presence events are written to the store as
 * presence-ingest writes them (50 clients × 20 = 1,000 events over about 10 s); a FIFO consumer group reads the
 * topic, and each test checks every notification arrived, per-client order, and that duplicates repeat the ID.
 */
const GROUP = 'GID_faults';

const running: { apps: RunningApp[]; stores: EventStore[] } = { apps: [], stores: [] };

afterEach(async () => {
  await Promise.all(running.apps.splice(0).map((app) => app.stop()));
  await Promise.all(running.stores.splice(0).map((store) => store.close()));
});

async function deployment(name: string, storeUrl?: (dataDir: string) => string) {
  const suffix = `${name}-${Date.now()}`;
  const topic = `faults-${suffix}`;
  const consumerGroup = `faults-consumer-${suffix}`;
  await createTopic(topic, { fifo: true });
  await createConsumerGroup(consumerGroup, { fifo: true });
  const base = await isolatedEnv({ DISPATCH_RETRY_BASE_MS: '200', DISPATCH_RETRY_MAX_MS: '2000' });
  const env = {
    ...base,
    EVENT_STORE_URL: storeUrl?.(base['DATA_DIR']!) ?? `sqlite:${base['DATA_DIR']}/events.db`,
  };
  const store = await openEventStore(env.EVENT_STORE_URL);
  running.stores.push(store);
  await seedRules(store, [{ ruleId: `rule-${name}`, groupId: GROUP, topic }]);
  const startDispatch = async () => {
    const app = await startApp('rocketmq-dispatch', env);
    running.apps.push(app);
    return app;
  };
  const receiveAll = () =>
    collectMessages(topic, {
      consumerGroup,
      expected: TOTAL,
      until: allArrived(CLIENTS, PER_CLIENT),
      timeoutMs: 150_000,
    });
  return { store, groupId: GROUP, startDispatch, receiveAll };
}

describe('delivery through faults', () => {
  it('delivers every notification, in order per client, through a 30 s RocketMQ outage', async () => {
    await throughOutage(await deployment('outage'), {
      stop: () => stopBroker({ crash: true }),
      start: () => startBroker(),
    });
  }, 300_000);

  it('delivers every notification when dispatch is killed with SIGKILL mid-stream and restarted', async () => {
    await throughDispatchKill(await deployment('sigkill'));
  }, 300_000);

  it('delivers every notification when the PostgreSQL of the store restarts mid-stream', async () => {
    const schema = `faults_${randomUUID().slice(0, 8)}`;
    const postgres = await deployment(
      'postgres',
      () => `postgres://postgres@127.0.0.1:5432/test?schema=${schema}`,
    );
    const { store, startDispatch, receiveAll } = postgres;
    const dispatch = await startDispatch();
    const writing = writeThousandEvents(postgres);
    await eventually(
      () => outcomes(store),
      (events) => forwardedIds(events).length >= 200,
      30_000,
    );
    restartPostgres();
    await writing;

    const received = await receiveAll();
    expectDeliveredInOrder(received, CLIENTS, PER_CLIENT);
    const recorded = await eventually(
      () => outcomes(store),
      (events) => forwardedIds(events).length >= TOTAL,
      30_000,
    );
    expect(new Set(forwardedIds(recorded)).size).toBe(TOTAL);
    expect(dispatch.output()).toMatch(
      /connection to the event store lost|could not (read the event store|store \d+ delivery outcomes|save the checkpoint)/,
    );
  }, 300_000);
});

/** Restarts the machine's PostgreSQL cluster (the one .ci/run starts), as an operator or a failover would. */
function restartPostgres(): void {
  const version = readdirSync('/etc/postgresql')[0]!;
  execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'restart'], {
    stdio: 'inherit',
  });
}

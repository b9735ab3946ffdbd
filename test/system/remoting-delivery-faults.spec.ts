import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { openEventStore, type EventStore } from '#libs/event-store';
import { RemotingSender } from '#libs/rocketmq';
import { startRocketMQ4, type RocketMQ4Handle } from '../../scripts/rocketmq/rocketmq4.mjs';
import { isolatedEnv, startApp, type RunningApp } from '../support/app-processes.js';
import { allArrived, forwardedIds, outcomes, seedRules } from '../support/delivery.js';
import {
  CLIENTS,
  PER_CLIENT,
  TOTAL,
  startedDuringOutage,
  throughDispatchKill,
  throughOutage,
} from '../support/fault-scenarios.js';
import { collectOverRemoting, inQueueOrder, type RemotingReceived } from '../support/remoting-consumer.js';
import type { ReceivedMessage } from '../support/rocketmq.js';
import { eventually } from '../support/system-clients.js';

/**
 * The faults of delivery-faults.spec.ts (test/support/fault-scenarios.ts) for the remoting kind, on an Apache
 * RocketMQ 4.9 of its own (scripts/rocketmq/rocketmq4.mjs: name server 19876, broker 20911), so the shared
 * RocketMQ 5 is never stopped: its broker killed for 30 s mid-stream, dispatch killed with SIGKILL, dispatch started
 * while the broker is down. A remoting consumer reads the topic, and order is checked as an orderly consumer reads
 * it: each client on one queue, in queue-offset order.
 */
const GROUP = 'GID_remoting_faults';

let rocketmq: RocketMQ4Handle;
const running: { apps: RunningApp[]; stores: EventStore[] } = { apps: [], stores: [] };

beforeAll(async () => {
  rocketmq = await startRocketMQ4({ log: () => undefined });
}, 180_000);

afterEach(async () => {
  await Promise.all(running.apps.splice(0).map((app) => app.stop()));
  await Promise.all(running.stores.splice(0).map((store) => store.close()));
});

afterAll(() => rocketmq?.stop(), 60_000);

async function deployment(name: string) {
  const topic = `remoting-faults-${name}-${Date.now()}`;
  await rocketmq.createTopic(topic);
  const base = await isolatedEnv({ DISPATCH_RETRY_BASE_MS: '200', DISPATCH_RETRY_MAX_MS: '2000' });
  const env = { ...base, EVENT_STORE_URL: `sqlite:${base['DATA_DIR']}/events.db` };
  const store = await openEventStore(env.EVENT_STORE_URL);
  running.stores.push(store);
  await seedRules(store, [{ ruleId: `rule-${name}`, groupId: GROUP, topic }], {
    nameServer: rocketmq.namesrv,
  });
  const startDispatch = async () => {
    const app = await startApp('rocketmq-dispatch', env);
    running.apps.push(app);
    return app;
  };
  const everyone = allArrived(CLIENTS, PER_CLIENT);
  const receiveAll = async () =>
    inQueueOrder(
      await collectOverRemoting(topic, {
        consumerGroup: `${topic}-g`,
        nameServer: rocketmq.namesrv,
        expected: TOTAL,
        until: (received: RemotingReceived[]) => everyone(inQueueOrder(received, topic)),
        timeoutMs: 150_000,
      }),
      topic,
    );
  return { store, groupId: GROUP, startDispatch, receiveAll };
}

/** An orderly consumer reads a queue in order: that holds per client only if each client has one queue. */
function expectOneQueuePerClient(received: ReceivedMessage[]) {
  const queues = new Map<string, Set<number>>();
  for (const message of received) {
    const clientId = message.keys[0]!;
    queues.set(clientId, (queues.get(clientId) ?? new Set()).add(message.queueId));
  }
  expect([...queues.values()].filter((set) => set.size !== 1)).toEqual([]);
}

describe('remoting delivery through faults (RocketMQ 4.9)', () => {
  it('delivers every notification, in order per client, through a 30 s broker outage', async () => {
    const received = await throughOutage(await deployment('outage'), {
      stop: () => rocketmq.stopBroker({ crash: true }),
      start: () => rocketmq.startBroker(),
    });
    expectOneQueuePerClient(received);
  }, 300_000);

  it('delivers every notification when dispatch is killed with SIGKILL mid-stream and restarted', async () => {
    expectOneQueuePerClient(await throughDispatchKill(await deployment('sigkill')));
  }, 300_000);

  it('dead-letters nothing when dispatch starts while every broker is down, and delivers once one is back', async () => {
    const cold = await deployment('cold');
    await rocketmq.stopBroker({ crash: true });
    // The name server now answers TOPIC_NOT_EXIST for the topic, as for one that never existed.
    const probe = new RemotingSender({ instanceId: 'rmq-probe', nameServer: rocketmq.namesrv });
    try {
      await expect(probe.checkTopic(`remoting-faults-none-${Date.now()}`)).resolves.toEqual({
        unreachable: expect.stringContaining('no broker is registered'),
      });
    } finally {
      await probe.shutdown();
    }
    await startedDuringOutage(cold, { start: () => rocketmq.startBroker() });

    const recorded = await eventually(
      () => outcomes(cold.store),
      (events) => new Set(forwardedIds(events)).size >= TOTAL,
    );
    const failures = recorded.filter((event) => event.type === 'NotificationFailed');
    expect(failures.every((event) => event.data['failure'] === 'transient')).toBe(true);
    expect(failures[0]!.data['error']).toContain('no broker is registered');
    expect(recorded.filter((event) => event.type === 'NotificationDeadLettered')).toEqual([]);
  }, 300_000);
});

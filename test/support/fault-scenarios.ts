// The delivery fault scenarios, shared by the gRPC kind (delivery-faults.spec.ts, the shared RocketMQ 5) and the
// remoting kind (remoting-delivery-faults.spec.ts, a RocketMQ 4.9 of its own): 50 clients × 20 presence events
// written over about 10 s as presence-ingest writes them, a fault in the middle, then what a consumer received and
// what dispatch recorded.
import { expect } from '@jest/globals';
import type { EventStore } from '#libs/event-store';
import type { RunningApp } from './app-processes.js';
import { expectDeliveredInOrder, forwardedIds, outcomes, writePresence } from './delivery.js';
import type { ReceivedMessage } from './rocketmq.js';
import { eventually } from './system-clients.js';

export const CLIENTS = 50;
export const PER_CLIENT = 20;
export const TOTAL = CLIENTS * PER_CLIENT;

export interface FaultDeployment {
  store: EventStore;
  /** The rule's group: every written event is one of its clients'. */
  groupId: string;
  startDispatch(): Promise<RunningApp>;
  /** Reads the topic until every client's 1 … PER_CLIENT arrived; in the order a consumer saw them. */
  receiveAll(): Promise<ReceivedMessage[]>;
}

export const writeThousandEvents = ({ store, groupId }: FaultDeployment) =>
  writePresence(store, { groupId, clients: CLIENTS, perClient: PER_CLIENT, perSecond: 100 });

/**
 * RocketMQ stopped for 30 s once 50 notifications were forwarded: every notification arrives, in order per
 * client; the outage was seen and retried as transient, nothing given up on.
 */
export async function throughOutage(
  deployment: FaultDeployment,
  rocketmq: { stop(): Promise<unknown>; start(): Promise<unknown> },
): Promise<ReceivedMessage[]> {
  const { store } = deployment;
  await deployment.startDispatch();
  const writing = writeThousandEvents(deployment);
  await eventually(
    () => outcomes(store),
    (events) => forwardedIds(events).length >= 50,
    30_000,
  );
  await rocketmq.stop();
  await new Promise((resolve) => setTimeout(resolve, 30_000));
  await rocketmq.start();
  await writing;

  const received = await deployment.receiveAll();
  expectDeliveredInOrder(received, CLIENTS, PER_CLIENT);
  const recorded = await eventually(
    () => outcomes(store),
    (events) => new Set(forwardedIds(events)).size >= TOTAL,
  );
  expect(new Set(forwardedIds(recorded)).size).toBe(TOTAL);
  const failures = recorded.filter((event) => event.type === 'NotificationFailed');
  expect(failures.length).toBeGreaterThan(0);
  expect(failures.every((event) => event.data['failure'] === 'transient')).toBe(true);
  expect(recorded.filter((event) => event.type === 'NotificationDeadLettered')).toEqual([]);
  return received;
}

/**
 * Dispatch SIGKILLed once 300 notifications were forwarded, then started again: every notification arrives in
 * order per client, a duplicate repeats its notification ID, and resent notifications are recorded once (their
 * outcome's event ID comes from the notification ID).
 */
export async function throughDispatchKill(deployment: FaultDeployment): Promise<ReceivedMessage[]> {
  const { store } = deployment;
  const first = await deployment.startDispatch();
  const writing = writeThousandEvents(deployment);
  await eventually(
    () => outcomes(store),
    (events) => forwardedIds(events).length >= 300,
    30_000,
  );
  first.process.kill('SIGKILL');
  await first.stop();
  await deployment.startDispatch();
  await writing;

  const received = await deployment.receiveAll();
  const duplicates = expectDeliveredInOrder(received, CLIENTS, PER_CLIENT);
  expect(received.length).toBe(TOTAL + duplicates);
  const recorded = await eventually(
    () => outcomes(store),
    (events) => forwardedIds(events).length >= TOTAL,
  );
  expect(forwardedIds(recorded)).toHaveLength(TOTAL);
  expect(new Set(forwardedIds(recorded)).size).toBe(TOTAL);
  return received;
}

/** Dispatch started while RocketMQ is down, which comes back once the first failures are recorded. */
export async function startedDuringOutage(
  deployment: FaultDeployment,
  rocketmq: { start(): Promise<unknown> },
): Promise<void> {
  const { store } = deployment;
  await deployment.startDispatch();
  const writing = writeThousandEvents(deployment);
  await eventually(
    () => outcomes(store),
    (events) => events.some((event) => event.type === 'NotificationFailed'),
    30_000,
  );
  await rocketmq.start();
  await writing;
  expectDeliveredInOrder(await deployment.receiveAll(), CLIENTS, PER_CLIENT);
}

import { randomUUID } from 'node:crypto';
import type { EventStore, JsonObject, NewEvent, RecordedEvent } from '../event-store.port.js';
import { followLog, type FollowLogOptions, type Following } from '../follow-log.js';

/** One isolated store location (a SQLite file, a PostgreSQL schema) that tests may open several times. */
export interface EventStoreFixture {
  /** Opens another store instance on the location: a second process, or the same one after a restart. */
  open(): Promise<EventStore>;
  /** Closes every store it opened and deletes the location. */
  dispose(): Promise<void>;
}

export type EventStoreFixtureFactory = () => Promise<EventStoreFixture>;

type Interceptor = (events: RecordedEvent[]) => void | Promise<void>;

/** What every contract test gets: a fresh location, and subscriptions that are stopped after the test. */
export class ContractContext {
  private fixture: EventStoreFixture | undefined;
  private subscriptions: Following[] = [];

  async setUp(factory: EventStoreFixtureFactory): Promise<void> {
    this.fixture = await factory();
  }

  async tearDown(): Promise<void> {
    await Promise.all(this.subscriptions.map((subscription) => subscription.stop()));
    this.subscriptions = [];
    await this.fixture?.dispose();
    this.fixture = undefined;
  }

  open(): Promise<EventStore> {
    if (!this.fixture) throw new Error('no fixture: setUp failed');
    return this.fixture.open();
  }

  /**
   * Follows the log from a stored checkpoint, recording what it handles. `intercept` runs before a batch is recorded: it may
   * throw to simulate a failing handler, or wait to simulate a slow one.
   */
  subscribe(store: EventStore, options: Partial<FollowLogOptions> & { intercept?: Interceptor }) {
    const handled: RecordedEvent[] = [];
    const batchSizes: number[] = [];
    const subscription = followLog(store, {
      name: 'contract-subscription',
      from: 'stored',
      ...options,
      handle: async ({ events }) => {
        if (events.length === 0) return;
        await options.intercept?.(events);
        handled.push(...events);
        batchSizes.push(events.length);
      },
    });
    this.subscriptions.push(subscription);
    return { subscription, handled, batchSizes };
  }
}

/** A new event with realistic metadata; pass `eventId` to append the same event twice. */
export function newEvent(type: string, data: JsonObject = {}, eventId: string = randomUUID()): NewEvent {
  return {
    eventId,
    type,
    data,
    metadata: { actor: 'contract-test', occurredAt: 1_764_000_000_000, correlationId: 'corr-1' },
  };
}

export function newEvents(count: number, type = 'Something', data: JsonObject = {}): NewEvent[] {
  return Array.from({ length: count }, (_, index) => newEvent(type, { ...data, index }));
}

/** Polls `condition` until it holds; fails with `what` after `timeoutMs`. */
export async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection, but the promise resolved');
}

export function positionsOf(events: RecordedEvent[]): number[] {
  return events.map((event) => event.position);
}

export function isStrictlyIncreasing(values: number[]): boolean {
  return values.every((value, index) => index === 0 || value > values[index - 1]);
}

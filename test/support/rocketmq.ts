// Helpers for tests that talk to the real RocketMQ started by the global setup (test/support/global-setup.ts).
import { SimpleConsumer } from 'rocketmq-client-nodejs';
import type { BaseClient, FilterExpression, ILogger, MessageView } from 'rocketmq-client-nodejs';
import { RocketmqProducers } from '#libs/rocketmq';
import type { RocketmqInstance } from '#libs/rules';

import {
  createConsumerGroup as createConsumerGroupWithAdmin,
  createTopic as createTopicWithAdmin,
  createTopics as createTopicsWithAdmin,
  shutdownClient,
  type TopicType,
} from '../../scripts/rocketmq/index.mjs';

export { shutdownClient };

/** host:port of the proxy's gRPC endpoint, for `endpoints` of every client. */
export function rocketmqEndpoint(): string {
  return process.env.ROCKETMQ_ENDPOINT ?? '127.0.0.1:8081';
}

/** host:port of the name server, for remoting clients and the admin tools. */
export function namesrv(): string {
  return process.env.ROCKETMQ_NAMESRV ?? '127.0.0.1:9876';
}

/**
 * The client's default logger writes to ~/logs/rocketmq; this one is silent unless ROCKETMQ_CLIENT_LOG is set
 * (1: warnings and errors, debug: everything). The client logs expected reconnects and shutdowns as errors.
 */
export const quietLogger: ILogger = {
  info: (...args: unknown[]) => clientLog('info', args),
  debug: (...args: unknown[]) => clientLog('debug', args),
  warn: (...args: unknown[]) => clientLog('warn', args),
  error: (...args: unknown[]) => clientLog('error', args),
};

function clientLog(level: 'info' | 'debug' | 'warn' | 'error', args: unknown[]): void {
  const setting = process.env.ROCKETMQ_CLIENT_LOG;
  if (!setting || ((level === 'info' || level === 'debug') && setting !== 'debug')) return;
  console[level === 'debug' ? 'info' : level]('[rocketmq-client]', ...args);
}

/** Creates a topic before any client uses it (the proxy never auto-creates topics). ~0.6 s. */
export async function createTopic(
  name: string,
  { fifo = false, type }: { fifo?: boolean; type?: TopicType } = {},
): Promise<void> {
  await createTopicWithAdmin(name, { fifo, ...(type && { type }), namesrv: namesrv() });
}

/** Several topics with one admin JVM. */
export async function createTopics(topics: ReadonlyArray<{ name: string; fifo?: boolean }>): Promise<void> {
  await createTopicsWithAdmin(topics, { namesrv: namesrv() });
}

/**
 * Creates a consumer group before its consumer starts: the proxy never auto-creates groups, and a consumer of
 * an unknown group hangs in startup(). `fifo`: orderly group, needed for in-order delivery from FIFO topics.
 */
export async function createConsumerGroup(
  group: string,
  { fifo = false }: { fifo?: boolean } = {},
): Promise<void> {
  await createConsumerGroupWithAdmin(group, { fifo, namesrv: namesrv() });
}

/** Starts a client, giving up after `timeoutMs`: startup() waits for the proxy's settings without a timeout. */
export async function startClient(
  client: Pick<BaseClient, 'startup' | 'shutdown'>,
  what: string,
  timeoutMs = 20_000,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(
            `${what} did not start within ${timeoutMs / 1000} s: do its topics and consumer group exist? (createTopic / createConsumerGroup; ROCKETMQ_CLIENT_LOG=1 shows the client's errors)`,
          ),
        ),
      timeoutMs,
    );
  });
  try {
    await Promise.race([client.startup(), timeout]);
  } catch (error) {
    // A half-started client keeps timers running and would keep jest alive.
    await shutdownClient(client).catch(() => undefined);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** A received message as plain data, easy to assert on. */
export interface ReceivedMessage {
  messageId: string;
  topic: string;
  body: string;
  tag?: string;
  keys: string[];
  messageGroup?: string;
  properties: Record<string, string>;
  deliveryAttempt?: number;
  /** The queue the broker stored it in, and its offset there. */
  queueId: number;
  offset?: number;
}

export interface CollectOptions {
  consumerGroup: string;
  /** Stop as soon as this many messages arrived (or, with `until`, once it says so). */
  expected: number;
  /** Stop as soon as this returns true for the messages received so far (duplicates included). */
  until?: (received: ReceivedMessage[]) => boolean;
  /** Give up (and return what arrived) after this long. Default 30 s. */
  timeoutMs?: number;
  /** Tag filter expression. Default '*'. */
  tag?: string;
}

/**
 * Receives (and acks) messages of `topic` with a SimpleConsumer until `expected` arrived or `timeoutMs`
 * passed; returns them in arrival order. Fewer than `expected` means the timeout hit: assert on the result.
 * The consumer group must exist (createConsumerGroup).
 */
export async function collectMessages(topic: string, options: CollectOptions): Promise<ReceivedMessage[]> {
  const { consumerGroup, expected, timeoutMs = 30_000, tag = '*' } = options;
  const done = options.until ?? ((received: ReceivedMessage[]) => received.length >= expected);
  const deadline = Date.now() + timeoutMs;
  const consumer = new SimpleConsumer({
    endpoints: rocketmqEndpoint(),
    namespace: '',
    consumerGroup,
    subscriptions: new Map<string, FilterExpression | string>([[topic, tag]]),
    // Long-poll per receive; short, so the loop notices the deadline.
    awaitDuration: Math.min(5_000, timeoutMs),
    logger: quietLogger,
  });
  await startClient(consumer, `SimpleConsumer of group ${consumerGroup} on ${topic}`);
  const received: ReceivedMessage[] = [];
  try {
    while (!done(received) && Date.now() < deadline) {
      // 15 s invisibility: the proxy rejects anything below 10 s (minInvisibleTimeMillsForRecv).
      for (const message of await consumer.receive(32, 15_000)) {
        // Ack one by one: a FIFO group hands out a group's next message only after the previous ack.
        await consumer.ack(message);
        received.push(toReceivedMessage(message));
      }
    }
  } finally {
    await shutdownClient(consumer);
  }
  return received;
}

function toReceivedMessage(message: MessageView): ReceivedMessage {
  return {
    messageId: message.messageId,
    topic: message.topic,
    body: message.body.toString('utf8'),
    tag: message.tag,
    keys: [...message.keys],
    messageGroup: message.messageGroup,
    properties: Object.fromEntries(message.properties),
    deliveryAttempt: message.deliveryAttempt,
    queueId: queueIdOf(message.receiptHandle),
    offset: message.offset,
  };
}

/**
 * The client's MessageView keeps no queue ID; the broker's receipt handle (its pop check point: start offset, pop
 * time, invisible time, revive queue, topic type, broker name, queue ID, offset, …) carries it, space-separated.
 */
function queueIdOf(receiptHandle: string): number {
  return Number(receiptHandle.split(' ')[6]);
}

/**
 * Stops the proxy+broker JVM (the namesrv and the store stay), like an outage: a clean SIGTERM stop (~12 s),
 * or a SIGKILL with `crash: true`. Resolves with the time taken in ms. Live clients fail and reconnect later;
 * only a client shut down in the last ~300 ms can crash the process (see shutdownClient).
 */
export async function stopBroker({ crash = false }: { crash?: boolean } = {}): Promise<number> {
  return control(`/broker/stop${crash ? '?signal=SIGKILL' : ''}`);
}

/**
 * Starts the proxy+broker JVM again on the same store; resolves (with the ms taken) once the broker is
 * registered. Existing clients reconnect on their gRPC backoff (1 s × 1.6ⁿ): seconds later, not at once.
 */
export async function startBroker(): Promise<number> {
  return control('/broker/start');
}

async function control(path: string): Promise<number> {
  const base = process.env.ROCKETMQ_CONTROL_URL;
  if (!base) {
    throw new Error(
      'no ROCKETMQ_CONTROL_URL: the broker can only be stopped/restarted when the test run started RocketMQ itself or reuses `npm run rocketmq`',
    );
  }
  const response = await fetch(`${base}${path}`, { method: 'POST' });
  const body = (await response.json()) as { ms?: number; error?: string };
  if (!response.ok || body.ms === undefined)
    throw new Error(`RocketMQ control ${path} failed: ${body.error ?? response.status}`);
  return body.ms;
}

/**
 * Resolves once the proxy gives a route for `topic`: a topic created a moment ago may still be unknown to it
 * (the proxy caches routes), and a send then fails with NotFound.
 */
export async function waitUntilRoutable(topic: string, timeoutMs = 30_000): Promise<void> {
  const producers = new RocketmqProducers((secret) => secret, {
    log: () => undefined,
    debug: () => undefined,
  });
  const instance = {
    instanceId: 'probe',
    region: 'local',
    endpoints: rocketmqEndpoint(),
    tls: false,
    createdAt: 0,
  };
  try {
    for (const deadline = Date.now() + timeoutMs; Date.now() < deadline;) {
      const check = await producers.checkTopic(instance as RocketmqInstance, topic);
      if ('exists' in check && check.exists) return;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    throw new Error(`topic ${topic} has no route after ${timeoutMs} ms`);
  } finally {
    await producers.shutdown();
  }
}

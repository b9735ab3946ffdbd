import { NotFoundException } from 'rocketmq-client-nodejs';
import type { StatusMessage } from '#libs/notifications';
import type { RocketmqInstance } from '#libs/rules';
import { type BatchEntryResult, batchDestination, RouteAwareProducer } from './rocketmq-batch-send.js';
import { classifySendFailure, SendFailedError } from './send-failure.js';

/** rocketmq-client-nodejs MessageType.FIFO (apache/rocketmq/v2 definition.proto). */
const FIFO = 2;
const REQUEST_TIMEOUT_MS = 5_000;
/** gRPC UNAVAILABLE / DEADLINE_EXCEEDED: the proxy could not be reached. */
const UNREACHABLE_CODES = new Set([4, 14]);

export interface ProducerLog {
  log(message: string): void;
  debug(message: string): void;
}

export type TopicCheck = { exists: true; fifo: boolean } | { exists: false } | { unreachable: string };

interface ProducerEntry {
  /** The instance settings it was made with: a change of endpoints or credentials makes a new producer. */
  signature: string;
  producer: Promise<RouteAwareProducer>;
}

/**
 * One producer per registered RocketMQ instance, created on first use with the instance's endpoints, namespace,
 * credentials and TLS. Tells FIFO topics apart by their route, because RocketMQ refuses a message group on a
 * normal topic and FIFO topics need one for per-client order.
 */
export class RocketmqProducers {
  private readonly producers = new Map<string, ProducerEntry>();

  constructor(
    private readonly decryptSecret: (ciphertext: string) => string,
    private readonly logger: ProducerLog,
  ) {}

  async isFifoTopic(instance: RocketmqInstance, topic: string): Promise<boolean> {
    const route = await (await this.producer(instance)).routeOf(topic);
    return route.messageQueues.some((queue) => queue.acceptMessageTypesList.includes(FIFO));
  }

  /** Asks the instance for the topic's route: it exists, it does not, or the instance cannot be reached. */
  async checkTopic(instance: RocketmqInstance, topic: string): Promise<TopicCheck> {
    try {
      return { exists: true, fifo: await this.isFifoTopic(instance, topic) };
    } catch (error) {
      if (error instanceof NotFoundException) return { exists: false };
      const code = (error as { code?: number }).code;
      if (code !== undefined && UNREACHABLE_CODES.has(code))
        return { unreachable: String((error as Error).message) };
      return { unreachable: String(error) };
    }
  }

  /** Sends one message and returns RocketMQ's message ID; a failure is thrown (classifySendFailure tells its kind). */
  async send(instance: RocketmqInstance, message: StatusMessage): Promise<string> {
    const [result] = await this.sendBatch(instance, [message]);
    if (!result || !('messageId' in result))
      throw new SendFailedError(result ?? { failure: 'transient', error: 'no result' });
    return result.messageId;
  }

  /**
   * Sends several messages in one SendMessage call and answers per entry, in the same order. All share one topic
   * and, on FIFO topics, one message group (the caller groups them; a mixed batch rejects with MixedBatchError).
   * A failed call (unreachable, timeout, unknown topic) gives every entry its classified failure.
   */
  async sendBatch(
    instance: RocketmqInstance,
    messages: readonly StatusMessage[],
  ): Promise<BatchEntryResult[]> {
    if (messages.length === 0) return [];
    batchDestination(messages);
    let producer: RouteAwareProducer;
    try {
      producer = await this.producer(instance);
    } catch (error) {
      const failure = classifySendFailure(error);
      return messages.map(() => failure);
    }
    return producer.sendBatch(messages);
  }

  async shutdown(): Promise<void> {
    await Promise.all([...this.producers.values()].map((entry) => this.release(entry)));
    this.producers.clear();
  }

  private producer(instance: RocketmqInstance): Promise<RouteAwareProducer> {
    const signature = JSON.stringify([
      instance.endpoints,
      instance.namespace,
      instance.tls,
      instance.credentials,
    ]);
    const existing = this.producers.get(instance.instanceId);
    if (existing?.signature === signature) return existing.producer;
    if (existing) void this.release(existing);
    const producer = this.start(instance);
    this.producers.set(instance.instanceId, { signature, producer });
    // A producer that failed to start is forgotten, so the next use tries again.
    producer.catch(() => {
      if (this.producers.get(instance.instanceId)?.producer === producer)
        this.producers.delete(instance.instanceId);
    });
    return producer;
  }

  private async start(instance: RocketmqInstance): Promise<RouteAwareProducer> {
    const producer = new RouteAwareProducer({
      endpoints: instance.endpoints,
      namespace: instance.namespace,
      sslEnabled: instance.tls,
      requestTimeout: REQUEST_TIMEOUT_MS,
      maxAttempts: 1, // retries are the caller's: dispatch never gives up and keeps per-client order
      logger: this.clientLogger(instance.instanceId),
      ...(instance.credentials && {
        sessionCredentials: {
          accessKey: instance.credentials.accessKey,
          accessSecret: this.decryptSecret(instance.credentials.secretKeyCiphertext),
        },
      }),
    });
    await producer.startup();
    this.logger.log(`producer for RocketMQ instance ${instance.instanceId} at ${instance.endpoints} started`);
    return producer;
  }

  /** The client logs every retry at error level; callers log failures once, with context. */
  private clientLogger(instanceId: string) {
    const forward = (...args: unknown[]) =>
      this.logger.debug(`[${instanceId}] ${args.map(String).join(' ')}`);
    return { info: () => undefined, debug: () => undefined, warn: forward, error: forward };
  }

  private async release(entry: ProducerEntry): Promise<void> {
    try {
      await (await entry.producer).shutdown();
    } catch {
      // it never started, or RocketMQ is gone: nothing left to release
    }
  }
}

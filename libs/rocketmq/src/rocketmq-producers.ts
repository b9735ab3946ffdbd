import type { StatusMessage } from '#libs/notifications';
import type { RocketmqInstance } from '#libs/rules';
import { GrpcSender, unreachableReason } from './grpc-sender.js';
import { addressOf, type InstanceSender, type TopicCheck } from './instance-sender.js';
import { type BatchEntryResult, batchDestination, RouteAwareProducer } from './rocketmq-batch-send.js';
import { RemotingSender } from './remoting/remoting-sender.js';
import { classifySendFailure, SendFailedError } from './send-failure.js';

export type { TopicCheck } from './instance-sender.js';

const REQUEST_TIMEOUT_MS = 5_000;

export interface ProducerLog {
  log(message: string): void;
  debug(message: string): void;
}

interface SenderEntry {
  /** The instance settings it was made with: a change of address, kind or credentials makes a new sender. */
  signature: string;
  sender: Promise<InstanceSender>;
}

/**
 * The one sender port of dispatch, replay and the topic checks: one producer per registered RocketMQ instance,
 * created on first use from the instance record, over gRPC to a proxy (`endpoints`) or over the remoting protocol
 * to name servers (`nameServer`), with its namespace, credentials and (gRPC) TLS.
 */
export class RocketmqProducers {
  private readonly senders = new Map<string, SenderEntry>();

  constructor(
    private readonly decryptSecret: (ciphertext: string) => string,
    private readonly logger: ProducerLog,
  ) {}

  /** Whether messages to `topic` carry the client ID as message group: FIFO topics (gRPC), every topic (remoting). */
  async shardsByClient(instance: RocketmqInstance, topic: string): Promise<boolean> {
    return (await this.sender(instance)).shardsByClient(topic);
  }

  /** Asks the instance for the topic's route: it exists, it does not, or the instance cannot be reached. */
  async checkTopic(instance: RocketmqInstance, topic: string): Promise<TopicCheck> {
    try {
      return await (await this.sender(instance)).checkTopic(topic);
    } catch (error) {
      return { unreachable: unreachableReason(error) };
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
   * Sends several messages at once and answers per entry, in the same order. All share one topic and, when
   * sharded, one message group (the caller groups them; a mixed batch rejects with MixedBatchError). A failed
   * call (unreachable, timeout, unknown topic) gives every entry its classified failure.
   */
  async sendBatch(
    instance: RocketmqInstance,
    messages: readonly StatusMessage[],
  ): Promise<BatchEntryResult[]> {
    if (messages.length === 0) return [];
    batchDestination(messages);
    let sender: InstanceSender;
    try {
      sender = await this.sender(instance);
    } catch (error) {
      const failure = classifySendFailure(error);
      return messages.map(() => failure);
    }
    return sender.sendBatch(messages);
  }

  async shutdown(): Promise<void> {
    await Promise.all([...this.senders.values()].map((entry) => this.release(entry)));
    this.senders.clear();
  }

  private sender(instance: RocketmqInstance): Promise<InstanceSender> {
    const signature = JSON.stringify([
      instance.endpoints,
      instance.nameServer,
      instance.namespace,
      instance.tls,
      instance.credentials,
    ]);
    const existing = this.senders.get(instance.instanceId);
    if (existing?.signature === signature) return existing.sender;
    if (existing) void this.release(existing);
    const sender = this.start(instance);
    this.senders.set(instance.instanceId, { signature, sender });
    // A sender that failed to start is forgotten, so the next use tries again.
    sender.catch(() => {
      if (this.senders.get(instance.instanceId)?.sender === sender) this.senders.delete(instance.instanceId);
    });
    return sender;
  }

  private async start(instance: RocketmqInstance): Promise<InstanceSender> {
    const sender =
      instance.nameServer !== undefined
        ? await this.startRemoting(instance, instance.nameServer)
        : await this.startGrpc(instance);
    this.logger.log(
      `producer for RocketMQ instance ${instance.instanceId} at ${addressOf(instance)} started`,
    );
    return sender;
  }

  private async startGrpc(instance: RocketmqInstance): Promise<InstanceSender> {
    const producer = new RouteAwareProducer({
      endpoints: String(instance.endpoints),
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
    return new GrpcSender(producer);
  }

  private async startRemoting(instance: RocketmqInstance, nameServer: string): Promise<InstanceSender> {
    const sender = new RemotingSender(
      {
        instanceId: instance.instanceId,
        nameServer,
        ...(instance.namespace && { namespace: instance.namespace }),
        ...(instance.credentials && {
          credentials: {
            accessKey: instance.credentials.accessKey,
            secretKey: this.decryptSecret(instance.credentials.secretKeyCiphertext),
          },
        }),
      },
      { requestTimeoutMs: REQUEST_TIMEOUT_MS, debug: (line) => this.logger.debug(line) },
    );
    try {
      await sender.ready();
    } catch (error) {
      await sender.shutdown();
      throw error;
    }
    return sender;
  }

  /** The client logs every retry at error level; callers log failures once, with context. */
  private clientLogger(instanceId: string) {
    const forward = (...args: unknown[]) =>
      this.logger.debug(`[${instanceId}] ${args.map(String).join(' ')}`);
    return { info: () => undefined, debug: () => undefined, warn: forward, error: forward };
  }

  private async release(entry: SenderEntry): Promise<void> {
    try {
      await (await entry.sender).shutdown();
    } catch {
      // it never started, or RocketMQ is gone: nothing left to release
    }
  }
}

import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { Producer } from 'rocketmq-client-nodejs';
import type { StatusMessage } from '#libs/notifications';
import { CredentialsCipher } from '#libs/platform';
import type { RocketmqInstance } from '#libs/rules';

/** rocketmq-client-nodejs MessageType.FIFO (apache/rocketmq/v2 definition.proto). */
const FIFO = 2;
const REQUEST_TIMEOUT_MS = 5_000;

/** The client keeps topic routes (which message types a topic accepts) protected; this exposes them. */
class RouteAwareProducer extends Producer {
  routeOf(topic: string) {
    return this.getRouteData(topic);
  }
}

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
@Injectable()
export class RocketmqPublisher implements OnModuleDestroy {
  private readonly logger = new Logger('rocketmq');
  private readonly producers = new Map<string, ProducerEntry>();

  constructor(@Inject(CredentialsCipher) private readonly cipher: CredentialsCipher) {}

  async isFifoTopic(instance: RocketmqInstance, topic: string): Promise<boolean> {
    const producer = await this.producer(instance);
    const route = await producer.routeOf(topic);
    return route.messageQueues.some((queue) => queue.acceptMessageTypesList.includes(FIFO));
  }

  /** Sends one message and returns RocketMQ's message ID. */
  async send(instance: RocketmqInstance, message: StatusMessage): Promise<string> {
    const producer = await this.producer(instance);
    const receipt = await producer.send({
      topic: message.topic,
      tag: message.tag,
      keys: message.keys,
      body: Buffer.from(message.body, 'utf8'),
      properties: new Map(Object.entries(message.properties)),
      ...(message.messageGroup !== undefined && { messageGroup: message.messageGroup }),
    });
    return receipt.messageId;
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
    if (existing) void this.shutdown(existing);
    const producer = this.start(instance);
    this.producers.set(instance.instanceId, { signature, producer });
    // A producer that failed to start is forgotten, so the next send tries again.
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
      maxAttempts: 1, // retries are ours: they never give up and keep per-client order
      logger: this.clientLogger(instance.instanceId),
      ...(instance.credentials && {
        sessionCredentials: {
          accessKey: instance.credentials.accessKey,
          accessSecret: this.cipher.decrypt(instance.credentials.secretKeyCiphertext),
        },
      }),
    });
    await producer.startup();
    this.logger.log(`producer for RocketMQ instance ${instance.instanceId} at ${instance.endpoints} started`);
    return producer;
  }

  /** The client logs every retry at error level; ours are logged once, with context, by the forwarder. */
  private clientLogger(instanceId: string) {
    const prefix = `[${instanceId}] `;
    return {
      info: () => undefined,
      debug: () => undefined,
      warn: (...args: unknown[]) => this.logger.debug(prefix + args.map(String).join(' ')),
      error: (...args: unknown[]) => this.logger.debug(prefix + args.map(String).join(' ')),
    };
  }

  private async shutdown(entry: ProducerEntry): Promise<void> {
    try {
      await (await entry.producer).shutdown();
    } catch {
      // it never started, or RocketMQ is gone: nothing left to release
    }
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([...this.producers.values()].map((entry) => this.shutdown(entry)));
    this.producers.clear();
  }
}

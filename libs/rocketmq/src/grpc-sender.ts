import { NotFoundException } from 'rocketmq-client-nodejs';
import type { StatusMessage } from '#libs/notifications';
import type { InstanceSender, TopicCheck } from './instance-sender.js';
import { type BatchEntryResult, RouteAwareProducer } from './rocketmq-batch-send.js';

/** rocketmq-client-nodejs MessageType.FIFO (apache/rocketmq/v2 definition.proto). */
const FIFO = 2;
/** gRPC UNAVAILABLE / DEADLINE_EXCEEDED: the proxy could not be reached. */
const UNREACHABLE_CODES = new Set([4, 14]);

/**
 * A gRPC proxy's producer. Tells FIFO topics apart by their route, because the proxy refuses a message group on
 * a normal topic and FIFO topics need one for per-client order.
 */
export class GrpcSender implements InstanceSender {
  constructor(private readonly producer: RouteAwareProducer) {}

  async shardsByClient(topic: string): Promise<boolean> {
    const route = await this.producer.routeOf(topic);
    return route.messageQueues.some((queue) => queue.acceptMessageTypesList.includes(FIFO));
  }

  async checkTopic(topic: string): Promise<TopicCheck> {
    try {
      return { exists: true, fifo: await this.shardsByClient(topic) };
    } catch (error) {
      if (error instanceof NotFoundException) return { exists: false };
      return { unreachable: unreachableReason(error) };
    }
  }

  sendBatch(messages: readonly StatusMessage[]): Promise<BatchEntryResult[]> {
    return this.producer.sendBatch(messages);
  }

  shutdown(): Promise<void> {
    return this.producer.shutdown();
  }
}

/** Why the instance could not answer: the gRPC status text when it is unreachable, else the whole error. */
export function unreachableReason(error: unknown): string {
  const code = (error as { code?: number } | null)?.code;
  if (code !== undefined && UNREACHABLE_CODES.has(code)) return String((error as Error).message);
  return String(error);
}

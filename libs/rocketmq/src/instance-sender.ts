import type { StatusMessage } from '#libs/notifications';
import type { RocketmqInstance } from '#libs/rules';
import type { BatchEntryResult } from './rocketmq-batch-send.js';

export type TopicCheck = { exists: true; fifo: boolean } | { exists: false } | { unreachable: string };

/**
 * One RocketMQ instance's producer, whatever its protocol: a gRPC proxy (GrpcSender) or name servers over the
 * remoting protocol (RemotingSender). Both answer per message with the message ID or a classified failure.
 */
export interface InstanceSender {
  /** Whether messages to `topic` carry the client ID as message group (sharding key), for per-client order. */
  shardsByClient(topic: string): Promise<boolean>;
  /** The topic exists (FIFO or not), it does not, or the instance cannot be reached. */
  checkTopic(topic: string): Promise<TopicCheck>;
  /** Messages of one topic and, when sharded, one message group; per-entry results in the same order. */
  sendBatch(messages: readonly StatusMessage[]): Promise<BatchEntryResult[]>;
  shutdown(): Promise<void>;
}

/** Where an instance is, for logs and warnings: its proxy, or its name servers. */
export function addressOf(instance: Pick<RocketmqInstance, 'endpoints' | 'nameServer'>): string {
  return instance.nameServer !== undefined
    ? `name server ${instance.nameServer}`
    : String(instance.endpoints);
}

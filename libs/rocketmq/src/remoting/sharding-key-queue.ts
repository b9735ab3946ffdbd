import type { MessageQueue } from 'ali-ons';

/**
 * The queue of a sharding key (the client ID): the same key always lands on the same queue while the topic's
 * queues do not change, so one client's messages stay in order. Java's String.hashCode modulo the writable queues
 * sorted by broker and queue ID, as the Java client's SelectMessageQueueByHash does with the key as its argument,
 * so a Java producer that selects by the client ID the same way lands on the same queue.
 */
export function queueForShardingKey(queues: readonly MessageQueue[], shardingKey: string): MessageQueue {
  if (queues.length === 0) throw new Error('no writable queue');
  const sorted = [...queues].sort(
    (a, b) => a.brokerName.localeCompare(b.brokerName) || Number(a.queueId) - Number(b.queueId),
  );
  return sorted[Math.abs(javaStringHash(shardingKey)) % sorted.length]!;
}

function javaStringHash(text: string): number {
  let hash = 0;
  for (let i = 0; i < text.length; i++) hash = (Math.imul(31, hash) + text.charCodeAt(i)) | 0;
  return hash;
}

// A remoting consumer (ali-ons' push consumer, the same protocol as the sender) that reads back what was sent.
import { Consumer, type Message } from 'ali-ons';
import { namesrv, type ReceivedMessage } from './rocketmq.js';

export interface RemotingReceived {
  messageId: string;
  queueId: number;
  queueOffset: number;
  tag: string;
  keys: string[];
  body: Buffer;
  properties: Record<string, string>;
}

const quiet = {
  info: () => undefined,
  debug: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
let consumers = 0;

/**
 * Reads `topic` from its first message with a consumer group of its own until `expected` messages arrived (or,
 * with `until`, until it says so), from the test setup's name server or `nameServer`.
 */
export async function collectOverRemoting(
  topic: string,
  {
    consumerGroup,
    expected,
    until = (received) => received.length >= expected,
    nameServer = namesrv(),
    timeoutMs = 60_000,
    credentials,
  }: {
    consumerGroup: string;
    expected: number;
    until?: (received: RemotingReceived[]) => boolean;
    nameServer?: string;
    timeoutMs?: number;
    /** ACL access key and secret, for a broker with ACL on. */
    credentials?: { accessKey: string; secretKey: string };
  },
): Promise<RemotingReceived[]> {
  const consumer = new Consumer({
    nameSrv: nameServer.split(';'),
    httpclient: {},
    consumerGroup,
    instanceName: `remoting-it-${process.pid}-${++consumers}`,
    consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    logger: quiet,
    ...credentials,
  });
  consumer.on('error', () => undefined); // a rebalance before the route is known: it retries on its own
  const received: RemotingReceived[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(new Error(`${received.length} of ${expected} messages of ${topic} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      consumer.subscribe(topic, '*', async (message: Message) => {
        received.push(toReceived(message));
        if (until(received)) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    return received;
  } finally {
    await consumer.close();
    consumer.on('error', () => undefined); // close() dropped the listener; its timers may still report
  }
}

/**
 * As the checks of test/support/delivery.ts take them, in the order an orderly consumer reads: queue by queue, by
 * offset (each client's notifications are on one queue).
 */
export function inQueueOrder(received: RemotingReceived[], topic: string): ReceivedMessage[] {
  return [...received]
    .sort((a, b) => a.queueId - b.queueId || a.queueOffset - b.queueOffset)
    .map((message) => ({
      messageId: message.messageId,
      topic,
      body: message.body.toString('utf8'),
      tag: message.tag,
      keys: message.keys,
      properties: message.properties,
      queueId: message.queueId,
      offset: message.queueOffset,
    }));
}

function toReceived(message: Message): RemotingReceived {
  const { KEYS, TAGS, ...properties } = message.properties;
  return {
    // As Java's MessageClientExt.getMsgId: the unique key the producer set, else the broker's offset ID.
    messageId: properties.UNIQ_KEY ?? message.msgId,
    queueId: Number(message.queueId),
    queueOffset: Number(message.queueOffset),
    tag: TAGS ?? '',
    keys: (KEYS ?? '').split(' '),
    body: message.body,
    properties,
  };
}

/** The user properties among what the broker returns (it adds its own: MIN_OFFSET, CLUSTER, …). */
export function only(properties: Record<string, string>, names: string[]): Record<string, string> {
  return Object.fromEntries(
    names.filter((name) => name in properties).map((name) => [name, properties[name]!]),
  );
}

// The batched send against the real RocketMQ (proxy 127.0.0.1:8081): what consumers read back is what was sent,
// with the message IDs the batch answered, and one client's messages on one queue, in order.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MixedBatchError } from '#libs/rocketmq';
import { createTopic as createTopicWithAdmin } from '../../../scripts/rocketmq/index.mjs';
import {
  collectMessages,
  createConsumerGroup,
  createTopics,
  rocketmqEndpoint,
  shutdownClient,
  startClient,
  waitUntilRoutable,
  type ReceivedMessage,
} from '../../../test/support/rocketmq.js';
import { clientMessages, instance, ObservedProducer, producers } from './batch-support.js';

const run = Date.now().toString(36);
const NORMAL = `batch-normal-${run}`;
const FIFO = `batch-fifo-${run}`;
const FIFO_ONE_QUEUE = `batch-fifo1-${run}`;

const relay = producers();
const observed = new ObservedProducer({ endpoints: rocketmqEndpoint() });

beforeAll(async () => {
  await Promise.all([
    createTopics([{ name: NORMAL }, { name: FIFO, fifo: true }]),
    createTopicWithAdmin(FIFO_ONE_QUEUE, { fifo: true, queues: 1 }),
    createConsumerGroup(`${NORMAL}-g`),
    createConsumerGroup(`${FIFO}-g`, { fifo: true }),
    createConsumerGroup(`${FIFO_ONE_QUEUE}-g`, { fifo: true }),
  ]);
  await Promise.all([NORMAL, FIFO, FIFO_ONE_QUEUE].map((topic) => waitUntilRoutable(topic)));
  await startClient(observed, 'observed producer');
}, 120_000);

afterAll(async () => {
  await relay.shutdown();
  await shutdownClient(observed);
});

const byId = (messages: ReceivedMessage[]) => new Map(messages.map((m) => [m.messageId, m]));

describe('a batch on a normal topic, from several clients', () => {
  it('answers each entry with the message ID a consumer reads, and the message arrives as sent', async () => {
    const batch = Array.from({ length: 8 }, (_, client) =>
      clientMessages(NORMAL, `GID_batch@@@dev-${client}`, { count: 4, fifo: false }),
    ).flat();
    const results = await relay.sendBatch(instance(), batch);

    const ids = results.map((result) => ('messageId' in result ? result.messageId : result.error));
    expect(new Set(ids).size).toBe(32);
    const received = byId(await collectMessages(NORMAL, { consumerGroup: `${NORMAL}-g`, expected: 32 }));
    expect([...received.keys()].sort()).toEqual([...ids].sort());
    batch.forEach((sent, i) => {
      const got = received.get(ids[i]!)!;
      expect(got.tag).toBe(sent.tag);
      expect(got.keys).toEqual(sent.keys);
      expect(got.properties).toEqual(sent.properties);
      expect(Buffer.from(got.body, 'utf8').equals(Buffer.from(sent.body, 'utf8'))).toBe(true);
      expect(got.messageGroup).toBeFalsy();
    });
  });

  it('spreads consecutive calls over the queues in turn', async () => {
    const before = observed.sendCalls.length;
    for (let call = 0; call < 4; call++)
      await observed.sendBatch(clientMessages(NORMAL, `GID_batch@@@rr-${call}`, { count: 2, fifo: false }));
    expect(observed.sendCalls.length - before).toBe(4);
    const received = await collectMessages(NORMAL, {
      consumerGroup: `${NORMAL}-g`,
      expected: 8,
    });
    const queuesOfCalls = new Set(received.map((m) => m.queueId));
    expect(queuesOfCalls.size).toBeGreaterThan(1);
  });
});

describe('a batch of one client on a FIFO topic', () => {
  it('is one call when the topic has one queue, and arrives on that queue in order', async () => {
    const before = observed.sendCalls.length;
    const batch = clientMessages(FIFO_ONE_QUEUE, 'GID_batch@@@fifo-1', { count: 3, fifo: true });
    const results = await observed.sendBatch(batch);

    expect(observed.sendCalls.length - before).toBe(1);
    const received = await collectMessages(FIFO_ONE_QUEUE, {
      consumerGroup: `${FIFO_ONE_QUEUE}-g`,
      expected: 3,
    });
    expect(received.map((m) => m.messageId)).toEqual(
      results.map((r) => ('messageId' in r ? r.messageId : r)),
    );
    expect(received.map((m) => m.properties['seq'])).toEqual(['1', '2', '3']);
    expect(received.map((m) => m.messageGroup)).toEqual(Array(3).fill('GID_batch@@@fifo-1'));
    const offsets = received.map((m) => m.offset!);
    expect(offsets).toEqual([offsets[0], offsets[0]! + 1, offsets[0]! + 2]);
  });

  it('stays on the queue of its message group across batches when the topic has several queues', async () => {
    const clientId = 'GID_batch@@@fifo-8';
    const single = await relay.send(instance(), clientMessages(FIFO, clientId, { count: 1, fifo: true })[0]!);
    const first = await relay.sendBatch(
      instance(),
      clientMessages(FIFO, clientId, { count: 3, from: 2, fifo: true }),
    );
    const second = await relay.sendBatch(
      instance(),
      clientMessages(FIFO, clientId, { count: 3, from: 5, fifo: true }),
    );

    const received = await collectMessages(FIFO, { consumerGroup: `${FIFO}-g`, expected: 7 });
    expect(received.map((m) => m.messageId)).toEqual([
      single,
      ...[...first, ...second].map((r) => ('messageId' in r ? r.messageId : r.error)),
    ]);
    expect(received.map((m) => Number(m.properties['seq']))).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(new Set(received.map((m) => m.queueId)).size).toBe(1);
  });
});

describe('failures, per entry', () => {
  it('gives every entry a permanent failure when the topic does not exist', async () => {
    const results = await relay.sendBatch(
      instance(),
      clientMessages(`batch-missing-${run}`, 'GID_batch@@@x', { count: 3, fifo: false }),
    );
    expect(results.map((r) => 'failure' in r && r.failure)).toEqual(['permanent', 'permanent', 'permanent']);
    expect(results[0]).toMatchObject({ error: expect.stringMatching(/NotFound/) });
  });

  it('gives every entry a permanent failure when a FIFO batch goes to a normal topic', async () => {
    const results = await relay.sendBatch(
      instance(),
      clientMessages(NORMAL, 'GID_batch@@@x', { count: 2, fifo: true }),
    );
    expect(results.map((r) => 'failure' in r && r.failure)).toEqual(['permanent', 'permanent']);
  });

  it('fails only the entry whose body is over the limit; the others arrive', async () => {
    const [first, tooLarge, last] = clientMessages(NORMAL, 'GID_batch@@@large', { count: 3, fifo: false });
    const huge = { ...tooLarge!, body: 'x'.repeat(4 * 1024 * 1024 + 1) };
    const results = await relay.sendBatch(instance(), [first!, huge, last!]);

    expect(results[1]).toMatchObject({ failure: 'permanent', error: expect.stringMatching(/body size/) });
    const received = await collectMessages(NORMAL, { consumerGroup: `${NORMAL}-g`, expected: 2 });
    expect(received.map((m) => m.properties['seq']).sort()).toEqual(['1', '3']);
    expect(received.map((m) => m.messageId).sort()).toEqual(
      [results[0], results[2]].map((r) => (r && 'messageId' in r ? r.messageId : r)).sort(),
    );
  });

  it('gives every entry the failure of a call the proxy refuses, and nothing arrives', async () => {
    // TAGS is a system property name: the proxy refuses the whole call (ILLEGAL_MESSAGE_PROPERTY_KEY).
    const batch = clientMessages(NORMAL, 'GID_batch@@@refused', { count: 3, fifo: false }).map(
      (message, i) => (i === 1 ? { ...message, properties: { ...message.properties, TAGS: 'x' } } : message),
    );
    const results = await relay.sendBatch(instance(), batch);

    expect(results.map((r) => 'failure' in r && r.failure)).toEqual(['permanent', 'permanent', 'permanent']);
    expect(results[0]).toMatchObject({ error: expect.stringMatching(/BadRequest/) });
    const received = await collectMessages(NORMAL, {
      consumerGroup: `${NORMAL}-g`,
      expected: 1,
      timeoutMs: 3_000,
    });
    expect(received.filter((m) => m.keys.includes('GID_batch@@@refused'))).toEqual([]);
  });

  it('gives every entry a transient failure when the endpoint is unreachable', async () => {
    const unreachable = instance({ instanceId: 'rmq-unreachable', endpoints: '127.0.0.1:1' });
    const results = await relay.sendBatch(
      unreachable,
      clientMessages(NORMAL, 'GID_batch@@@x', { count: 3, fifo: false }),
    );
    expect(results.map((r) => 'failure' in r && r.failure)).toEqual(['transient', 'transient', 'transient']);
  }, 30_000);

  it('rejects a batch of two topics or two message groups: the caller groups', async () => {
    const twoTopics = [
      ...clientMessages(NORMAL, 'GID_batch@@@a', { count: 1, fifo: false }),
      ...clientMessages(FIFO, 'GID_batch@@@a', { count: 1, fifo: false }),
    ];
    await expect(relay.sendBatch(instance(), twoTopics)).rejects.toThrow(MixedBatchError);
    const twoGroups = [
      ...clientMessages(FIFO, 'GID_batch@@@a', { count: 1, fifo: true }),
      ...clientMessages(FIFO, 'GID_batch@@@b', { count: 1, fifo: true }),
    ];
    await expect(relay.sendBatch(instance(), twoGroups)).rejects.toThrow(/one message group/);
  });
});

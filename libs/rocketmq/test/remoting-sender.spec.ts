// The remoting sender against the real RocketMQ of the global setup, through its name server (127.0.0.1:9876) and
// broker, never its gRPC proxy: what a remoting consumer reads back is what was sent, under the IDs answered.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { checkRemotingTopic, RemotingSender, SendFailedError } from '#libs/rocketmq';
import {
  collectMessages,
  createConsumerGroup,
  createTopics,
  namesrv,
} from '../../../test/support/rocketmq.js';
import { clientMessages } from './batch-support.js';
import { collectOverRemoting, only } from '../../../test/support/remoting-consumer.js';

const run = Date.now().toString(36);
const NORMAL = `remoting-normal-${run}`;
const FIFO = `remoting-fifo-${run}`;
/** rocketmq-client-nodejs MessageIdFactory's IDs (version 01), as the gRPC path answers. */
const MESSAGE_ID = /^01[0-9A-F]{32}$/;
const USER_PROPERTIES = ['seq', 'reason', 'ruleId', 'eventId', 'instanceId'];

const sender = new RemotingSender({ instanceId: 'rmq-remoting-it', nameServer: namesrv() });
const unreachable = new RemotingSender(
  { instanceId: 'rmq-remoting-gone', nameServer: '127.0.0.1:1;127.0.0.1:2' },
  { requestTimeoutMs: 2_000 },
);

beforeAll(async () => {
  await Promise.all([
    createTopics([{ name: NORMAL }, { name: FIFO, fifo: true }]),
    createConsumerGroup(`${NORMAL}-g`),
    createConsumerGroup(`${NORMAL}-grpc`),
    createConsumerGroup(`${FIFO}-g`),
  ]);
}, 120_000);

afterAll(async () => {
  await Promise.all([sender.shutdown(), unreachable.shutdown()]);
});

describe('sending over the remoting protocol', () => {
  it('delivers tag, byte-exact body, keys and user properties under the message ID it answers', async () => {
    const batch = [0, 1, 2].flatMap((client) =>
      clientMessages(NORMAL, `GID_remoting@@@dev-${client}`, { count: 3, fifo: false }),
    );
    const results = await sender.sendBatch(batch);

    const ids = results.map((result) => ('messageId' in result ? result.messageId : result.error));
    expect(ids.every((id) => MESSAGE_ID.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(9);
    const received = new Map(
      (await collectOverRemoting(NORMAL, { consumerGroup: `${NORMAL}-g`, expected: 9 })).map((m) => [
        m.messageId,
        m,
      ]),
    );
    expect([...received.keys()].sort()).toEqual([...ids].sort());
    batch.forEach((sent, i) => {
      const got = received.get(ids[i]!)!;
      expect(got.tag).toBe(sent.tag);
      expect(got.body.equals(Buffer.from(sent.body, 'utf8'))).toBe(true);
      expect(got.keys).toEqual(sent.keys);
      expect(only(got.properties, USER_PROPERTIES)).toEqual(sent.properties);
      expect(got.properties.__SHARDINGKEY).toBeUndefined(); // no message group on a normal topic
    });
    // A consumer through the gRPC proxy reads the same IDs, bodies and tags.
    const overGrpc = await collectMessages(NORMAL, { consumerGroup: `${NORMAL}-grpc`, expected: 9 });
    expect(overGrpc.map((m) => [m.messageId, m.body, m.tag]).sort()).toEqual(
      batch.map((sent, i) => [ids[i], sent.body, sent.tag]).sort(),
    );
  });

  it('keeps each client on one queue of a FIFO topic, in order, its client ID as the sharding key', async () => {
    const clients = Array.from({ length: 6 }, (_, client) => `GID_remoting@@@fifo-${client}`);
    for (const clientId of clients) {
      const results = await sender.sendBatch(clientMessages(FIFO, clientId, { count: 5, fifo: true }));
      expect(results.every((result) => 'messageId' in result)).toBe(true);
    }

    const received = await collectOverRemoting(FIFO, { consumerGroup: `${FIFO}-g`, expected: 30 });
    const queuesOf = new Map<string, Set<number>>();
    for (const message of received) {
      const clientId = message.properties.__SHARDINGKEY!;
      queuesOf.set(clientId, (queuesOf.get(clientId) ?? new Set()).add(message.queueId));
    }
    expect([...queuesOf.keys()].sort()).toEqual(clients);
    for (const queues of queuesOf.values()) expect(queues.size).toBe(1);
    expect(new Set([...queuesOf.values()].map((queues) => [...queues][0])).size).toBeGreaterThan(1);
    // Stored in the order sent: by queue offset, each client's sequence numbers are 1..5.
    for (const clientId of clients) {
      const stored = received
        .filter((message) => message.properties.__SHARDINGKEY === clientId)
        .sort((a, b) => a.queueOffset - b.queueOffset);
      expect(stored.map((message) => message.properties.seq)).toEqual(['1', '2', '3', '4', '5']);
    }
  });

  it('refuses a missing topic permanently, naming the topic', async () => {
    const missing = `remoting-missing-${run}`;
    const [result] = await sender.sendBatch(
      clientMessages(missing, 'GID_remoting@@@dev-x', { count: 1, fifo: false }),
    );

    expect(result).toEqual({ failure: 'permanent', error: expect.stringContaining(missing) });
    expect(result).toMatchObject({ error: expect.stringContaining('TOPIC_NOT_EXIST') });
  });

  it('refuses a body over 4 MiB permanently, that message only', async () => {
    const [small, large] = clientMessages(NORMAL, 'GID_remoting@@@big', { count: 2, fifo: false }) as [
      ReturnType<typeof clientMessages>[number],
      ReturnType<typeof clientMessages>[number],
    ];
    const results = await sender.sendBatch([small, { ...large, body: 'x'.repeat(4 * 1024 * 1024 + 1) }]);

    expect(results[0]).toEqual({ messageId: expect.stringMatching(MESSAGE_ID) });
    expect(results[1]).toEqual({
      failure: 'permanent',
      error: expect.stringContaining('exceeds the 4194304 byte limit'),
    });
  });

  it('on a FIFO topic, holds back the rest of a client batch after a failed message, so nothing overtakes it', async () => {
    const [first, ...rest] = clientMessages(FIFO, 'GID_remoting@@@held', { count: 3, fifo: true });
    const results = await sender.sendBatch([{ ...first!, body: 'x'.repeat(4 * 1024 * 1024 + 1) }, ...rest]);

    expect(results.map((result) => ('failure' in result ? result.failure : 'sent'))).toEqual([
      'permanent',
      'transient',
      'transient',
    ]);
    expect(results[1]).toMatchObject({
      error: 'not sent: an earlier message of group GID_remoting@@@held failed',
    });
  });

  it('answers an unreachable name server with a transient failure, thrown by send as SendFailedError', async () => {
    const [message] = clientMessages(NORMAL, 'GID_remoting@@@dev-y', { count: 1, fifo: false });
    const started = Date.now();
    const error = await unreachable.send(message!).catch((failed: unknown) => failed);

    expect(error).toBeInstanceOf(SendFailedError);
    expect((error as SendFailedError).failure).toEqual({
      failure: 'transient',
      error: expect.stringContaining('ECONNREFUSED'),
    });
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe('the topic check over the name server', () => {
  it('tells a FIFO topic from a normal one, with their writable queues, and both from a missing one', async () => {
    await expect(checkRemotingTopic(sender, FIFO)).resolves.toEqual({
      exists: true,
      fifo: true,
      writableQueues: 8,
    });
    await expect(checkRemotingTopic(sender, NORMAL)).resolves.toEqual({
      exists: true,
      fifo: false,
      writableQueues: 8,
    });
    await expect(checkRemotingTopic(sender, `remoting-none-${run}`)).resolves.toEqual({ exists: false });
  });

  it('says when no name server answers, naming them', async () => {
    const check = await checkRemotingTopic(unreachable, NORMAL);

    expect(check).toEqual({ unreachable: expect.stringContaining('name server 127.0.0.1:1;127.0.0.1:2') });
  });
});

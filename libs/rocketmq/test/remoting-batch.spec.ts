// SEND_BATCH_MESSAGE (request code 320) through RemotingSender, against an Apache RocketMQ 4.9 of its own
// (scripts/rocketmq/rocketmq4.mjs, ports 19876/20911): a batch is one request to one queue, stored whole at
// consecutive offsets in the order sent, each message under the ID answered; a refusal fails every entry.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Producer } from 'ali-ons';
import { RemotingSender } from '#libs/rocketmq';
import type { StatusMessage } from '#libs/notifications';
import { startRocketMQ4, type RocketMQ4Handle } from '../../../scripts/rocketmq/rocketmq4.mjs';
import { collectOverRemoting, only, type RemotingReceived } from '../../../test/support/remoting-consumer.js';
import { clientMessages } from './batch-support.js';

const run = Date.now().toString(36);
const TOPIC = `remoting-batch-${run}`;
const MESSAGE_ID = /^01[0-9A-F]{32}$/;
const USER_PROPERTIES = ['seq', 'reason', 'ruleId', 'eventId', 'instanceId'];
/** RequestCode.SEND_MESSAGE_V2, SEND_BATCH_MESSAGE */
const SINGLE = 310;
const BATCH = 320;

let rocketmq: RocketMQ4Handle;
let sender: RemotingSender;
/** The request codes the sender's client sent to the broker (its invoke, observed, not replaced). */
const requests: number[] = [];
let consumers = 0;

beforeAll(async () => {
  rocketmq = await startRocketMQ4({ log: () => undefined });
  await rocketmq.createTopic(TOPIC);
  sender = new RemotingSender({ instanceId: 'rmq-batch-49', nameServer: rocketmq.namesrv });
  const client = ((await sender.ready()) as Producer)._mqClient;
  const invoke = client.invoke.bind(client);
  client.invoke = (address, request, timeoutMs) => {
    if (address) requests.push(request.code);
    return invoke(address, request, timeoutMs);
  };
}, 180_000);

afterAll(async () => {
  await sender?.shutdown();
  await rocketmq?.stop();
}, 60_000);

const sends = () => requests.splice(0).filter((code) => code === SINGLE || code === BATCH);
const ids = (results: Awaited<ReturnType<RemotingSender['sendBatch']>>) =>
  results.map((result) => ('messageId' in result ? result.messageId : result.error));
const readBack = (until: (received: RemotingReceived[]) => boolean) =>
  collectOverRemoting(TOPIC, {
    consumerGroup: `${TOPIC}-g${++consumers}`,
    nameServer: rocketmq.namesrv,
    expected: 0,
    until,
  });

function expectStoredAsSent(sent: StatusMessage[], answered: string[], received: RemotingReceived[]) {
  const byId = new Map(received.map((message) => [message.messageId, message]));
  const stored = answered.map((id) => byId.get(id)!);
  expect(stored.every(Boolean)).toBe(true);
  expect(new Set(stored.map((message) => message.queueId)).size).toBe(1);
  const first = stored[0]!.queueOffset;
  expect(stored.map((message) => message.queueOffset)).toEqual(sent.map((_, i) => first + i));
  sent.forEach((message, i) => {
    const got = stored[i]!;
    expect(got.body.equals(Buffer.from(message.body, 'utf8'))).toBe(true);
    expect(got.tag).toBe(message.tag);
    expect(got.keys).toEqual(message.keys);
    expect(only(got.properties, USER_PROPERTIES)).toEqual(message.properties);
    expect(got.properties.__SHARDINGKEY).toBe(message.messageGroup);
  });
}

describe('batched sends over the remoting protocol (RocketMQ 4.9)', () => {
  it("sends one client's run as one request on its queue, stored in order, byte-exact, under the IDs answered", async () => {
    const batch = clientMessages(TOPIC, 'GID_batch@@@dev-1', { count: 8, fifo: true });
    const results = await sender.sendBatch(batch);

    expect(sends()).toEqual([BATCH]);
    const answered = ids(results);
    expect(answered.every((id) => MESSAGE_ID.test(id))).toBe(true);
    expect(new Set(answered).size).toBe(8);
    const received = await readBack((got) => answered.every((id) => got.some((m) => m.messageId === id)));
    expectStoredAsSent(batch, answered, received);
  });

  it('sends messages without a message group as one request on one queue too', async () => {
    const batch = [0, 1, 2].flatMap((client) =>
      clientMessages(TOPIC, `GID_batch@@@normal-${client}`, { count: 3, fifo: false }),
    );
    const answered = ids(await sender.sendBatch(batch));

    expect(sends()).toEqual([BATCH]);
    const received = await readBack((got) => answered.every((id) => got.some((m) => m.messageId === id)));
    expectStoredAsSent(batch, answered, received);
  });

  it('splits a run over 1 MiB into requests sent one after the other, in order', async () => {
    const batch = clientMessages(TOPIC, 'GID_batch@@@large', { count: 5, fifo: true }).map((message, i) => ({
      ...message,
      body: `${i}-${'é'.repeat(150_000)}`, // 300 kB each: three fit in one request
    }));
    const answered = ids(await sender.sendBatch(batch));

    expect(sends()).toEqual([BATCH, BATCH]);
    const received = await readBack((got) => answered.every((id) => got.some((m) => m.messageId === id)));
    expectStoredAsSent(batch, answered, received);
  });

  it('sends a batch of one as a plain send', async () => {
    const [result] = await sender.sendBatch(
      clientMessages(TOPIC, 'GID_batch@@@one', { count: 1, fifo: true }),
    );

    expect(result).toEqual({ messageId: expect.stringMatching(MESSAGE_ID) });
    expect(sends()).toEqual([SINGLE]);
  });

  it('sends the run before an illegal message, fails that one permanently and holds back the rest', async () => {
    const batch = clientMessages(TOPIC, 'GID_batch@@@illegal', { count: 5, fifo: true });
    batch[2] = { ...batch[2]!, properties: { ...batch[2]!.properties, reason: 'a\u0002b' } };
    const results = await sender.sendBatch(batch);

    expect(sends()).toEqual([BATCH]);
    expect(results.map((result) => ('failure' in result ? result.failure : 'sent'))).toEqual([
      'sent',
      'sent',
      'permanent',
      'transient',
      'transient',
    ]);
    const answered = ids(results).slice(0, 2);
    const received = await readBack((got) => answered.every((id) => got.some((m) => m.messageId === id)));
    expectStoredAsSent(batch.slice(0, 2), answered, received);
  });

  it('refuses a batch to a missing topic permanently, for every entry', async () => {
    const missing = `remoting-batch-missing-${run}`;
    const results = await sender.sendBatch(
      clientMessages(missing, 'GID_batch@@@x', { count: 4, fifo: true }),
    );

    expect(results).toEqual(
      Array(4).fill({
        failure: 'permanent',
        error: expect.stringMatching(new RegExp(`TOPIC_NOT_EXIST.*${missing}`)),
      }),
    );
  });
});

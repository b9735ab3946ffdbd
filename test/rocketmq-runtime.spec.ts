// Proves the real RocketMQ of the global setup works end to end with the Node gRPC client: topics created
// with mqadmin, NORMAL and FIFO sends, receiving with a SimpleConsumer, and the proxy's message-type rule.
import { randomUUID } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Producer } from 'rocketmq-client-nodejs';

import {
  collectMessages,
  createConsumerGroup,
  createTopic,
  createTopics,
  quietLogger,
  rocketmqEndpoint,
  shutdownClient,
  startBroker,
  startClient,
  stopBroker,
} from './support/rocketmq.js';

// Unique names: a reused RocketMQ (`npm run rocketmq`) keeps topics and offsets between runs.
const run = randomUUID().slice(0, 8);
const NORMAL_TOPIC = `rt-normal-${run}`;
const FIFO_TOPIC = `rt-fifo-${run}`;

// No `topics` option: with several topics, rocketmq-client-nodejs 1.0.8 can miss the proxy's settings reply
// (it arrives while routes are still being fetched) and startup() then waits forever. Routes are fetched on
// the first send instead.
function newProducer(): Producer {
  return new Producer({
    endpoints: rocketmqEndpoint(),
    namespace: '',
    requestTimeout: 5_000,
    logger: quietLogger,
  });
}

describe('local RocketMQ runtime', () => {
  let producer: Producer;

  beforeAll(async () => {
    await createTopic(NORMAL_TOPIC);
    await createTopic(FIFO_TOPIC, { fifo: true });
    const started = newProducer();
    await startClient(started, 'Producer');
    producer = started;
  });

  afterAll(async () => {
    if (producer) await shutdownClient(producer);
  });

  it('delivers a normal message with its tag, keys, body and properties', async () => {
    const receipt = await producer.send({
      topic: NORMAL_TOPIC,
      tag: 'connect',
      keys: ['GID_demo@@@device-1', 'rule-1:event-1'],
      properties: new Map([
        ['seq', '1'],
        ['reason', 'accepted'],
      ]),
      body: Buffer.from('{"clientId":"GID_demo@@@device-1","eventType":"connect"}'),
    });

    const consumerGroup = `rt-normal-group-${run}`;
    await createConsumerGroup(consumerGroup);
    const [message, ...more] = await collectMessages(NORMAL_TOPIC, {
      consumerGroup,
      expected: 1,
      timeoutMs: 30_000,
    });

    expect(more).toEqual([]);
    expect(message).toMatchObject({
      messageId: receipt.messageId,
      topic: NORMAL_TOPIC,
      tag: 'connect',
      keys: ['GID_demo@@@device-1', 'rule-1:event-1'],
      body: '{"clientId":"GID_demo@@@device-1","eventType":"connect"}',
    });
    // Only the user properties: the client keeps system properties (born host, timestamps…) apart.
    expect(message?.properties).toEqual({ seq: '1', reason: 'accepted' });
    expect(message?.messageGroup).toBeFalsy();
  });

  it('delivers the messages of one message group in order on a FIFO topic', async () => {
    const group = `rt-fifo-group-${run}`;
    // In-order delivery needs an orderly group.
    await createConsumerGroup(group, { fifo: true });
    for (const eventType of ['connect', 'disconnect', 'tcpclean']) {
      await producer.send({
        topic: FIFO_TOPIC,
        tag: eventType,
        keys: ['GID_demo@@@device-2'],
        messageGroup: 'GID_demo@@@device-2',
        properties: new Map([['eventType', eventType]]),
        body: Buffer.from(eventType),
      });
    }

    const messages = await collectMessages(FIFO_TOPIC, {
      consumerGroup: group,
      expected: 3,
      timeoutMs: 45_000,
    });

    expect(messages.map((m) => [m.tag, m.body, m.messageGroup, m.properties.eventType])).toEqual([
      ['connect', 'connect', 'GID_demo@@@device-2', 'connect'],
      ['disconnect', 'disconnect', 'GID_demo@@@device-2', 'disconnect'],
      ['tcpclean', 'tcpclean', 'GID_demo@@@device-2', 'tcpclean'],
    ]);
  });

  it('refuses a message group on a NORMAL topic', async () => {
    const send = producer.send({
      topic: NORMAL_TOPIC,
      messageGroup: 'GID_demo@@@device-3',
      body: Buffer.from('x'),
    });

    await expect(send).rejects.toThrow(TypeError);
    await expect(send).rejects.toThrow(/Current message type not match with topic accept message types/);
  });

  it('creates several topics with one admin call', async () => {
    const [normal, fifo] = [`rt-batch-normal-${run}`, `rt-batch-fifo-${run}`];
    await createTopics([{ name: normal }, { name: fifo, fifo: true }]);

    // A send to a topic the proxy does not know fails with TOPIC_NOT_FOUND.
    const sent = [
      await producer.send({ topic: normal, body: Buffer.from('normal') }),
      await producer.send({ topic: fifo, messageGroup: 'GID_demo@@@device-4', body: Buffer.from('fifo') }),
    ];
    expect(sent.map((receipt) => typeof receipt.messageId)).toEqual(['string', 'string']);
    await expect(producer.send({ topic: normal, messageGroup: 'g', body: Buffer.from('x') })).rejects.toThrow(
      TypeError,
    );
  });

  it('keeps the stored messages across a broker restart', async () => {
    const topic = `rt-restart-${run}`;
    await createTopic(topic);
    await producer.send({ topic, tag: 'before', body: Buffer.from('sent before the restart') });

    const stoppedMs = await stopBroker();
    await expect(producer.send({ topic, body: Buffer.from('nobody listens') })).rejects.toThrow();
    const startedMs = await startBroker();
    // The client's gRPC channel reconnects on its own backoff schedule (1 s × 1.6ⁿ), not when the proxy is back.
    const reconnectedMs = await eventually(() =>
      producer.send({ topic, tag: 'after', body: Buffer.from('sent after the restart') }),
    );
    console.log(
      `broker stopped in ${stoppedMs} ms, restarted in ${startedMs} ms, producer sent again after ${reconnectedMs} ms`,
    );

    const consumerGroup = `rt-restart-group-${run}`;
    await createConsumerGroup(consumerGroup);
    const messages = await collectMessages(topic, { consumerGroup, expected: 2, timeoutMs: 30_000 });
    expect(messages.map((m) => m.tag).sort()).toEqual(['after', 'before']);
  }, 150_000);
});

/** Retries `attempt` every 500 ms until it resolves; resolves with the time that took. */
async function eventually(attempt: () => Promise<unknown>, timeoutMs = 60_000): Promise<number> {
  const started = Date.now();
  for (;;) {
    try {
      await attempt();
      return Date.now() - started;
    } catch (error) {
      if (Date.now() - started > timeoutMs) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

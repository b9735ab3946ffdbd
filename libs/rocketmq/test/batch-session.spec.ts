// The batched send goes as the client's own send goes: same session headers and signature, same channel; and
// `send` (now a batch of one) keeps its contract. Against the real RocketMQ (the local one has no ACL: the proxy
// accepts the signed calls without checking them, so what is checked here is what the calls carry).
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { classifySendFailure, toOptions } from '#libs/rocketmq';
import {
  collectMessages,
  createConsumerGroup,
  createTopic,
  rocketmqEndpoint,
  shutdownClient,
  startClient,
  waitUntilRoutable,
} from '../../../test/support/rocketmq.js';
import { clientMessages, instance, ObservedProducer, producers } from './batch-support.js';

const run = Date.now().toString(36);
const TOPIC = `batch-session-${run}`;
const credentials = { accessKey: 'AK-batch-it', accessSecret: 'secret-batch-it' };

const signed = new ObservedProducer({ endpoints: rocketmqEndpoint(), sessionCredentials: credentials });
const relay = producers();

beforeAll(async () => {
  await createTopic(TOPIC, { fifo: true });
  await createConsumerGroup(`${TOPIC}-g`, { fifo: true });
  await waitUntilRoutable(TOPIC);
  await startClient(signed, 'signed producer');
}, 120_000);

afterAll(async () => {
  await relay.shutdown();
  await shutdownClient(signed);
});

describe('session credentials', () => {
  it('signs a batched call exactly as the client signs its own send', async () => {
    const [one, ...three] = clientMessages(TOPIC, 'GID_batch@@@signed', { count: 4, fifo: true });
    await signed.send(toOptions(one!));
    const results = await signed.sendBatch(three);
    expect(results.every((result) => 'messageId' in result)).toBe(true);

    const [own, ...batched] = signed.sendCalls;
    expect(batched.length).toBeGreaterThan(0);
    for (const headers of [own!, ...batched]) {
      const signature = createHmac('sha1', credentials.accessSecret)
        .update(headers['x-mq-date-time']!)
        .digest('hex')
        .toUpperCase();
      expect(headers['authorization']).toBe(
        `MQv2-HMAC-SHA1 Credential=${credentials.accessKey}, SignedHeaders=x-mq-date-time, Signature=${signature}`,
      );
    }
    for (const headers of batched) {
      expect(Object.keys(headers).sort()).toEqual(Object.keys(own!).sort());
      expect(headers['x-mq-client-id']).toBe(own!['x-mq-client-id']);
      expect(headers['x-mq-protocol']).toBe('v2');
    }
  });

  it('sends with the credentials of the instance record', async () => {
    const withCredentials = instance({
      instanceId: 'rmq-batch-signed',
      credentials: { accessKey: credentials.accessKey, secretKeyCiphertext: credentials.accessSecret },
    });
    const results = await relay.sendBatch(
      withCredentials,
      clientMessages(TOPIC, 'GID_batch@@@record', { count: 3, fifo: true }),
    );
    const received = await collectMessages(TOPIC, {
      consumerGroup: `${TOPIC}-g`,
      expected: 7,
      until: (messages) => messages.filter((m) => m.messageGroup === 'GID_batch@@@record').length >= 3,
    });
    expect(received.filter((m) => m.messageGroup === 'GID_batch@@@record').map((m) => m.messageId)).toEqual(
      results.map((r) => ('messageId' in r ? r.messageId : r.error)),
    );
  });
});

describe('send, a batch of one', () => {
  it('returns the ID the consumer reads', async () => {
    const [message] = clientMessages(TOPIC, 'GID_batch@@@single', { count: 1, fifo: true });
    const messageId = await relay.send(instance(), message!);
    const received = await collectMessages(TOPIC, {
      consumerGroup: `${TOPIC}-g`,
      expected: 1,
      until: (messages) => messages.some((m) => m.messageGroup === 'GID_batch@@@single'),
    });
    expect(received.find((m) => m.messageGroup === 'GID_batch@@@single')?.messageId).toBe(messageId);
  });

  it('throws a failure that classifies as what it was: permanent for a missing topic', async () => {
    const [message] = clientMessages(`batch-absent-${run}`, 'GID_batch@@@single', { count: 1, fifo: false });
    const error = await relay.send(instance(), message!).catch((caught: unknown) => caught);
    expect(classifySendFailure(error)).toMatchObject({
      failure: 'permanent',
      error: expect.stringMatching(/NotFound/),
    });
  });
});

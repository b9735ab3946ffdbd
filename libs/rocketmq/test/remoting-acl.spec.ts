// ACL credentials and a namespace through the one sender port, for the remoting kind, against an Apache RocketMQ
// 4.9 with plain ACL on (scripts/rocketmq/rocketmq4.mjs --acl, its own ports): the secret decrypted from the
// instance record signs the requests, and the namespace prefixes the topic as RocketMQ's own clients do.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RocketmqInstance } from '#libs/rules';
import { ACL_ACCOUNT, startRocketMQ4, type RocketMQ4Handle } from '../../../scripts/rocketmq/rocketmq4.mjs';
import { collectOverRemoting } from '../../../test/support/remoting-consumer.js';
import { clientMessages, producers } from './batch-support.js';

const TOPIC = `remoting-acl-${Date.now().toString(36)}`;
const NAMESPACE = 'relay';
let rocketmq: RocketMQ4Handle;
// The test's cipher is the identity: the "ciphertext" is the secret.
const relay = producers();

const instance = (overrides: Partial<RocketmqInstance> = {}): RocketmqInstance => ({
  instanceId: 'rmq-acl',
  region: 'local',
  nameServer: rocketmq.namesrv,
  namespace: NAMESPACE,
  tls: false,
  credentials: { accessKey: ACL_ACCOUNT.accessKey, secretKeyCiphertext: ACL_ACCOUNT.secretKey },
  createdAt: 0,
  ...overrides,
});

beforeAll(async () => {
  rocketmq = await startRocketMQ4({ acl: true, log: () => undefined });
  await rocketmq.createTopic(`${NAMESPACE}%${TOPIC}`);
}, 180_000);

afterAll(async () => {
  await relay.shutdown();
  await rocketmq?.stop();
}, 60_000);

describe('the remoting kind with ACL credentials and a namespace', () => {
  it('sends a batch signed with the right secret, into the namespace, where it arrives whole', async () => {
    await expect(relay.checkTopic(instance(), TOPIC)).resolves.toEqual({ exists: true, fifo: false });
    // Without the namespace the same name is another topic, which does not exist.
    await expect(
      relay.checkTopic(instance({ instanceId: 'rmq-acl-bare', namespace: '' }), TOPIC),
    ).resolves.toEqual({ exists: false });
    const batch = clientMessages(TOPIC, 'GID_acl@@@dev-1', { count: 3, fifo: true });
    const results = await relay.sendBatch(instance(), batch);
    expect(results).toEqual(Array(3).fill({ messageId: expect.stringMatching(/^01[0-9A-F]{32}$/) }));

    const received = await collectOverRemoting(`${NAMESPACE}%${TOPIC}`, {
      consumerGroup: `${TOPIC}-g`,
      nameServer: rocketmq.namesrv,
      credentials: ACL_ACCOUNT,
      expected: 3,
    });
    const stored = [...received].sort((a, b) => a.queueOffset - b.queueOffset);
    expect(stored.map((message) => message.messageId)).toEqual(
      results.map((result) => ('messageId' in result ? result.messageId : result.error)),
    );
    expect(stored.map((message) => message.body.toString('utf8'))).toEqual(
      batch.map((message) => message.body),
    );
  });

  it('refuses a batch with a wrong secret permanently, every entry, naming the ACL refusal, never the secret', async () => {
    const wrong = instance({
      instanceId: 'rmq-acl-wrong',
      credentials: { accessKey: ACL_ACCOUNT.accessKey, secretKeyCiphertext: 'not-the-secret-value' },
    });
    const results = await relay.sendBatch(
      wrong,
      clientMessages(TOPIC, 'GID_acl@@@dev-2', { count: 3, fifo: true }),
    );
    expect(results).toEqual(
      Array(3).fill({ failure: 'permanent', error: expect.stringMatching(/AclException/) }),
    );
    expect(JSON.stringify(results)).not.toContain('not-the-secret-value');
    // A single message goes as a plain send, refused the same way.
    const [single] = await relay.sendBatch(
      wrong,
      clientMessages(TOPIC, 'GID_acl@@@dev-3', { count: 1, fifo: true }),
    );
    expect(single).toEqual({ failure: 'permanent', error: expect.stringMatching(/AclException/) });
  });
});

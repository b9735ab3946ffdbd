// The one sender port (RocketmqProducers) with both kinds of instance, against the real RocketMQ of the global
// setup: its proxy (gRPC) and its name server (remoting).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTopics, namesrv } from '../../../test/support/rocketmq.js';
import { clientMessages, instance, producers } from './batch-support.js';
import { collectOverRemoting } from '../../../test/support/remoting-consumer.js';

const run = Date.now().toString(36);
const NORMAL = `remoting-port-${run}`;
const relay = producers();
const remoting = instance({ instanceId: 'rmq-port', endpoints: undefined, nameServer: namesrv() });

beforeAll(async () => {
  await createTopics([{ name: NORMAL }]);
}, 120_000);

afterAll(() => relay.shutdown());

describe('one sender port for both kinds of instance', () => {
  it('shards by client on every remoting topic, and only on FIFO topics over gRPC', async () => {
    await expect(relay.shardsByClient(remoting, NORMAL)).resolves.toBe(true);
    await expect(relay.shardsByClient(instance(), NORMAL)).resolves.toBe(false);
  });

  it('switches an instance from its proxy to its name server when the record changes kind', async () => {
    const grpc = instance({ instanceId: 'rmq-switch' });
    const [first] = clientMessages(NORMAL, 'GID_port@@@dev-1', { count: 1, fifo: false });
    const [second] = clientMessages(NORMAL, 'GID_port@@@dev-1', { count: 1, from: 2, fifo: true });
    const [overGrpc] = await relay.sendBatch(grpc, [first!]);
    const [overRemoting] = await relay.sendBatch({ ...remoting, instanceId: 'rmq-switch' }, [second!]);

    const received = await collectOverRemoting(NORMAL, { consumerGroup: `${NORMAL}-g`, expected: 2 });
    const byId = new Map(received.map((message) => [message.messageId, message]));
    const viaGrpc = byId.get((overGrpc as { messageId: string }).messageId);
    const viaRemoting = byId.get((overRemoting as { messageId: string }).messageId);
    expect(viaGrpc?.properties.seq).toBe('1');
    expect(viaRemoting?.properties.seq).toBe('2');
    // Only the remoting sender gives a normal topic's message the client as sharding key.
    expect(viaGrpc?.properties.__SHARDINGKEY).toBeUndefined();
    expect(viaRemoting?.properties.__SHARDINGKEY).toBe('GID_port@@@dev-1');
  });

  it('checks a topic through the name server: present, missing, or unreachable with the address', async () => {
    await expect(relay.checkTopic(remoting, NORMAL)).resolves.toEqual({ exists: true, fifo: false });
    await expect(relay.checkTopic(remoting, `remoting-port-missing-${run}`)).resolves.toEqual({
      exists: false,
    });
    const gone = instance({ instanceId: 'rmq-port-gone', endpoints: undefined, nameServer: '127.0.0.1:1' });
    await expect(relay.checkTopic(gone, NORMAL)).resolves.toEqual({
      unreachable: expect.stringContaining('name server 127.0.0.1:1'),
    });
  });
});

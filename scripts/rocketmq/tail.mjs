// `npm run rocketmq:tail -- <topic>`: prints every message of a topic as it arrives (the walk-through's way to
// see notifications). Its consumer group is created first: the proxy never auto-creates groups over gRPC.
import { SimpleConsumer } from 'rocketmq-client-nodejs';
import { createConsumerGroup } from './admin.mjs';

const quiet = { info() {}, debug() {}, warn() {}, error() {} };

export async function tailTopic(topic, { endpoint = '127.0.0.1:8081', group = `tail-${topic}` } = {}) {
  await createConsumerGroup(group, { fifo: true });
  const consumer = new SimpleConsumer({
    endpoints: endpoint,
    namespace: '',
    consumerGroup: group,
    subscriptions: new Map([[topic, '*']]),
    awaitDuration: 10_000,
    logger: quiet,
  });
  await consumer.startup();
  console.error(`[rocketmq] tailing ${topic} at ${endpoint} as consumer group ${group}; Ctrl-C to stop`);
  let stopping = false;
  process.once('SIGINT', () => (stopping = true));
  process.once('SIGTERM', () => (stopping = true));
  while (!stopping) {
    let messages = [];
    try {
      messages = await consumer.receive(32, 15_000);
    } catch (error) {
      if (!/no new message|MESSAGE_NOT_FOUND/i.test(String(error)))
        console.error(`[rocketmq] ${error.message}`);
    }
    for (const message of messages) {
      const seq = message.properties?.get('seq') ?? '-';
      const tag = (message.tag ?? '').padEnd(10);
      console.log(`${tag} seq=${seq} keys=${message.keys.join(',')} ${message.body.toString('utf8')}`);
      await consumer.ack(message);
    }
  }
  await consumer.shutdown().catch(() => undefined);
}

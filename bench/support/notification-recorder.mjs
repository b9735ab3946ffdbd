// A SimpleConsumer that records every notification of a topic in arrival order, for as long as it runs, through
// RocketMQ restarts: a failed receive or ack is retried (an unacked message comes back after its invisible time).
import { SimpleConsumer } from 'rocketmq-client-nodejs';
import { shutdownClient } from '../../scripts/rocketmq/index.mjs';

// The client's default logger writes to ~/logs/rocketmq and reports every expected reconnect as an error.
const silent = { info() {}, debug() {}, warn() {}, error() {} };
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts consuming `topic` with `consumerGroup` (which must exist; orderly for a FIFO topic). `received` grows with
 * { clientId, seq, notificationId, messageId, at } per message, duplicates included. stop() shuts the consumer down.
 */
export async function startRecorder({ endpoints, topic, consumerGroup, log = () => {} }) {
  const received = [];
  const errors = new Map(); // message → count
  let running = true;
  const consumer = new SimpleConsumer({
    endpoints,
    namespace: '',
    consumerGroup,
    subscriptions: new Map([[topic, '*']]),
    awaitDuration: 5_000,
    logger: silent,
  });
  await consumer.startup();
  const noteError = (what, error) => {
    const key = `${what}: ${String(error?.message ?? error).slice(0, 120)}`;
    const count = (errors.get(key) ?? 0) + 1;
    errors.set(key, count);
    if (count === 1) log(`consumer ${key} (retrying)`);
  };
  const loop = (async () => {
    while (running) {
      let messages;
      try {
        // 15 s invisible: the proxy refuses less than 10 s.
        messages = await consumer.receive(32, 15_000);
      } catch (error) {
        noteError('receive', error);
        await sleep(1_000);
        continue;
      }
      // Recorded in arrival order whether or not the ack succeeds (an unacked message comes again, and is then a
      // duplicate); the batch is acked at once: a FIFO group hands out a client's next message only after the
      // previous ack, so one by one would make the consumer the bottleneck.
      for (const message of messages)
        received.push({
          clientId: JSON.parse(message.body.toString('utf8')).clientId,
          seq: Number(message.properties.get('seq')),
          notificationId: message.keys[1],
          messageId: message.messageId,
          at: Date.now(),
        });
      await Promise.all(
        messages.map((message) => consumer.ack(message).catch((error) => noteError('ack', error))),
      );
    }
  })();
  return {
    received,
    errors,
    async stop() {
      running = false;
      await Promise.race([loop, sleep(20_000)]);
      await shutdownClient(consumer);
    },
  };
}

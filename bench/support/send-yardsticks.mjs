// Yardsticks for dispatch's throughput, against the same RocketMQ in the same run: how fast bare senders put the
// same status messages on RocketMQ, with no store and no rules. (a) rocketmq-client-nodejs's Producer, one send
// per message; (b) RocketmqProducers.sendBatch, several messages per SendMessage call (docs/decisions/0009).
import { Producer } from 'rocketmq-client-nodejs';
import { shutdownClient } from '../../scripts/rocketmq/index.mjs';

const { toStatusMessage } = await import('../../dist/libs/notifications/src/index.js');
const { RocketmqProducers, toOptions } = await import('../../dist/libs/rocketmq/src/index.js');

const silent = { info() {}, debug() {}, warn() {}, error() {} };
const EVENT_TYPES = ['connect', 'disconnect', 'tcpclean'];

/** The message dispatch would send for event `seq` of client `client`. */
function statusMessage(topic, client, seq, fifo) {
  const clientId = `GID_bench@@@dev-${client}`;
  const eventId = `yardstick-${client}-${seq}`;
  const notification = {
    notificationId: `bench:${eventId}`,
    ruleId: 'bench',
    ruleVersion: 1,
    target: { instanceId: 'rmq-bench', topic },
    eventId,
    seq,
    eventType: EVENT_TYPES[(seq - 1) % 3],
    event: {
      clientId,
      channelId: 'a'.repeat(32),
      clientIp: '127.0.0.1:40000',
      time: Date.now(),
      reason: 'accepted',
    },
  };
  return toStatusMessage(notification, { fifo }, 'mqtt-bench');
}

/**
 * `count` messages of `clients` clients, cut into calls of `perCall`: on FIFO topics a call holds one client's
 * consecutive events, on normal topics consecutive clients. Returns the calls in sending order.
 */
export function calls({ topic, fifo, clients, count, perCall }) {
  const result = [];
  const seqs = new Map();
  for (let sent = 0, client = 0; sent < count; client = (client + 1) % clients) {
    const call = [];
    for (let i = 0; i < perCall && sent < count; i++, sent++) {
      const who = fifo ? client : (client + i) % clients;
      const seq = (seqs.get(who) ?? 0) + 1;
      seqs.set(who, seq);
      call.push(statusMessage(topic, who, seq, fifo));
    }
    if (!fifo) client = (client + perCall - 1) % clients;
    result.push(call);
  }
  return result;
}

/** Runs `send(call)` over the calls with `inFlight` at once; resolves with messages/s and failures. */
export async function drive(allCalls, inFlight, send) {
  let next = 0;
  let messages = 0;
  let failures = 0;
  const started = performance.now();
  const lane = async () => {
    while (next < allCalls.length) {
      const call = allCalls[next++];
      const results = await send(call);
      messages += call.length;
      failures += results.filter((result) => !('messageId' in result)).length;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
  const seconds = (performance.now() - started) / 1000;
  return { rate: messages / seconds, seconds, failures, messages };
}

/** rocketmq-client-nodejs's own Producer, as an application would start it (no retries: each send is one call). */
async function bareProducer(endpoint, topic) {
  const producer = new Producer({
    endpoints: endpoint,
    namespace: '',
    topics: [topic],
    maxAttempts: 1,
    logger: silent,
  });
  await producer.startup();
  return producer;
}

/** (a) The bare client: one Producer.send per message, `inFlight` sends at once. */
export async function bareClientSends({ endpoint, topic, fifo, clients, count, inFlight }) {
  const producer = await bareProducer(endpoint, topic);
  const send = async ([message]) => {
    try {
      return [await producer.send(toOptions(message))];
    } catch (error) {
      return [{ failure: 'transient', error: String(error) }];
    }
  };
  try {
    await drive(calls({ topic, fifo, clients, count: 500, perCall: 1 }), inFlight, send);
    return await drive(calls({ topic, fifo, clients, count, perCall: 1 }), inFlight, send);
  } finally {
    await shutdownClient(producer);
  }
}

/** (b) RocketmqProducers.sendBatch: `perCall` messages per call, `inFlight` messages (so inFlight/perCall calls) at once. */
export async function batchedSends({ endpoint, topic, fifo, clients, count, perCall, inFlight }) {
  const producers = new RocketmqProducers((secret) => secret, { log() {}, debug() {} });
  const instance = {
    instanceId: 'rmq-bench',
    region: 'local',
    endpoints: endpoint,
    namespace: '',
    tls: false,
    createdAt: 0,
  };
  const send = (call) => producers.sendBatch(instance, call);
  const lanes = Math.max(1, Math.ceil(inFlight / perCall));
  try {
    await drive(calls({ topic, fifo, clients, count: 500, perCall }), lanes, send);
    return { ...(await drive(calls({ topic, fifo, clients, count, perCall }), lanes, send)), lanes };
  } finally {
    await producers.shutdown();
  }
}

/** (c) The bare client at a fixed offered rate: each message's send → acknowledgement, in milliseconds. */
export async function bareClientLatencies({ endpoint, topic, fifo, clients, rate, seconds }) {
  const producer = await bareProducer(endpoint, topic);
  try {
    const messages = calls({ topic, fifo, clients, count: rate * seconds, perCall: 1 }).map(
      ([message]) => message,
    );
    const latencies = [];
    const started = performance.now();
    const sends = messages.map(async (message, i) => {
      const due = started + (i / rate) * 1000;
      if (due > performance.now())
        await new Promise((resolve) => setTimeout(resolve, due - performance.now()));
      const sent = performance.now();
      await producer.send(toOptions(message)).then(
        () => latencies.push(performance.now() - sent),
        () => undefined,
      );
    });
    await Promise.all(sends);
    return latencies;
  } finally {
    await shutdownClient(producer);
  }
}

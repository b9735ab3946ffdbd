// Bare-client yardsticks of the remoting protocol (issue 15), driven as send-yardsticks.mjs drives the gRPC ones:
// (a) ali-ons' own Producer.send, one message per call, as an application would use it; (b) RemotingSender.sendBatch
// (a call of several messages is one SEND_BATCH_MESSAGE request on one queue, of one a plain send, pipelined; with
// a message group one client's messages in order on its queue).
import { Message, Producer } from 'ali-ons';
import { calls, drive } from './send-yardsticks.mjs';

const { RemotingSender } = await import('../../dist/libs/rocketmq/src/index.js');

const silent = { info() {}, debug() {}, warn() {}, error() {} };
const WARM_UP = 500;

/** (a) ali-ons Producer.send, `inFlight` at once, no retries; `fifo`: the client as sharding key. */
export async function bareRemotingSends({ nameServer, topic, fifo, clients, count, inFlight }) {
  const producer = new Producer({
    nameSrv: nameServer.split(';'),
    httpclient: {},
    producerGroup: 'yardstick',
    instanceName: `yardstick-${process.pid}-${topic}`,
    retryTimesWhenSendFailed: 0,
    logger: silent,
  });
  producer.on('error', () => undefined);
  await producer.ready();
  const send = async ([status]) => {
    const message = new Message(status.topic, status.tag, Buffer.from(status.body, 'utf8'));
    message.keys = status.keys;
    Object.assign(message.properties, status.properties);
    if (status.messageGroup) message.shardingKey = status.messageGroup;
    try {
      return [{ messageId: (await producer.send(message)).msgId }];
    } catch (error) {
      return [{ failure: 'transient', error: String(error) }];
    }
  };
  try {
    const plan = { topic, fifo, clients, perCall: 1 };
    await drive(calls({ ...plan, count: WARM_UP }), inFlight, send);
    return await drive(calls({ ...plan, count }), inFlight, send);
  } finally {
    await producer.close();
    // close() drops every listener while ali-ons' route timers may still report (a broker restart then threw
    // 'Unhandled error' out of the bench, as RemotingSender guards against too).
    producer.on('error', () => undefined);
  }
}

/** (b) RemotingSender.sendBatch: `perCall` messages per call, `inFlight` messages at once. */
export async function remotingSenderSends({ nameServer, topic, fifo, clients, count, inFlight, perCall }) {
  const sender = new RemotingSender({ instanceId: 'rmq-bench-remoting', nameServer });
  const send = (call) => sender.sendBatch(call);
  const lanes = Math.max(1, Math.ceil(inFlight / perCall));
  try {
    const plan = { topic, fifo, clients, perCall };
    await drive(calls({ ...plan, count: WARM_UP }), lanes, send);
    return { ...(await drive(calls({ ...plan, count }), lanes, send)), lanes };
  } finally {
    await sender.shutdown();
  }
}

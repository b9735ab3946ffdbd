// Bare-client yardsticks of the remoting protocol (issue 15) beside the gRPC ones, in one run against the same
// local RocketMQ: ali-ons' own Producer.send, one message per call; RemotingSender.sendBatch (a call of several is
// one SEND_BATCH_MESSAGE request on one queue; of one, a plain send; FIFO: one client's messages in order on its
// queue); and the gRPC bare client and batched send
// of bench/support/send-yardsticks.mjs. Needs RocketMQ running (name server and gRPC proxy) and `npm run build`.
//
//   npm run build && node bench/remoting-yardsticks.mjs      (prints figures; not a test)
//   BENCH_YARDSTICK_MESSAGES (default 20000) per figure, DISPATCH_CONCURRENCY (default 256) in flight.
import { createTopics } from '../scripts/rocketmq/index.mjs';
import { bareRemotingSends, remotingSenderSends } from './support/remoting-send-yardsticks.mjs';
import { bareClientSends, batchedSends } from './support/send-yardsticks.mjs';

const NAME_SERVER = process.env.ROCKETMQ_NAMESRV ?? '127.0.0.1:9876';
const ENDPOINT = process.env.ROCKETMQ_ENDPOINT ?? '127.0.0.1:8081';
const CLIENTS = 1_000;
const COUNT = Number(process.env.BENCH_YARDSTICK_MESSAGES ?? 20_000);
const IN_FLIGHT = Number(process.env.DISPATCH_CONCURRENCY ?? 256);

const run = Date.now().toString(36);
const normal = `yardstick-remoting-${run}`;
const fifo = `yardstick-remoting-fifo-${run}`;
await createTopics([{ name: normal }, { name: fifo, fifo: true }], { namesrv: NAME_SERVER });

const remoting = { nameServer: NAME_SERVER, clients: CLIENTS, count: COUNT, inFlight: IN_FLIGHT };
const bareRemoting = (options) => bareRemotingSends({ ...remoting, ...options });
const remotingSender = (options) => remotingSenderSends({ ...remoting, ...options });
const grpc = { endpoint: ENDPOINT, clients: CLIENTS, count: COUNT, inFlight: IN_FLIGHT };
const figures = [
  ['remoting  ali-ons Producer.send, normal topic', await bareRemoting({ topic: normal, fifo: false })],
  [
    'remoting  ali-ons Producer.send, FIFO topic (shardingKey)',
    await bareRemoting({ topic: fifo, fifo: true }),
  ],
  [
    'remoting  RemotingSender, normal topic, 32 per call',
    await remotingSender({ topic: normal, fifo: false, perCall: 32 }),
  ],
  [
    'remoting  RemotingSender, FIFO topic, 3 per call (in order)',
    await remotingSender({ topic: fifo, fifo: true, perCall: 3 }),
  ],
  [
    'remoting  RemotingSender, FIFO topic, 1 per call (no batch)',
    await remotingSender({ topic: fifo, fifo: true, perCall: 1 }),
  ],
  [
    'gRPC      bare client Producer.send, normal topic',
    await bareClientSends({ ...grpc, topic: normal, fifo: false }),
  ],
  [
    'gRPC      bare client Producer.send, FIFO topic',
    await bareClientSends({ ...grpc, topic: fifo, fifo: true }),
  ],
  [
    'gRPC      sendBatch, normal topic, 32 per call',
    await batchedSends({ ...grpc, topic: normal, fifo: false, perCall: 32 }),
  ],
  [
    'gRPC      sendBatch, FIFO topic, 3 per call',
    await batchedSends({ ...grpc, topic: fifo, fifo: true, perCall: 3 }),
  ],
];
console.log(
  `${COUNT} messages per figure, ${IN_FLIGHT} in flight, ${CLIENTS} clients (a shared machine: noisy)`,
);
for (const [what, { rate, seconds, failures, messages, lanes }] of figures)
  console.log(
    `${what.padEnd(62)} ${rate.toFixed(0).padStart(6)} msg/s (${messages} in ${seconds.toFixed(1)} s, ` +
      `${failures} failed${lanes ? `, ${lanes} calls in flight` : ''})`,
  );
process.exit(0);

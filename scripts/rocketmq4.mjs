#!/usr/bin/env node
// An Apache RocketMQ 4.9 (name server + broker, remoting protocol only, no proxy) beside the shared RocketMQ 5 of
// scripts/rocketmq.mjs, on other ports (scripts/rocketmq/rocketmq4.mjs). A fresh store each run; Ctrl-C stops both.
//
//   node scripts/rocketmq4.mjs run [--acl]            name server 127.0.0.1:19876, broker 127.0.0.1:20911
//                                                     (--acl: plain ACL, access key relay-test / secret relay-test-secret)
//   node scripts/rocketmq4.mjs topic <name> [--orderly]  create a topic (4 queues) on it; --orderly: an
//                                                     ordered topic (the name server's order config)
import { NAMESRV, startRocketMQ4, topic } from './rocketmq/rocketmq4.mjs';

const [command, ...rest] = process.argv.slice(2);
if (command === 'run') {
  const rocketmq = await startRocketMQ4({
    acl: rest.includes('--acl'),
    log: (line) => console.log(`${line}; Ctrl-C to stop`),
  });
  const stop = async () => {
    await rocketmq.stop();
    process.exit(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => void stop());
} else if (command === 'topic') {
  const name = rest.find((arg) => !arg.startsWith('--'));
  if (!name) throw new Error('usage: node scripts/rocketmq4.mjs topic <name>');
  await topic(name, { orderly: rest.includes('--orderly') });
  console.log(`created topic ${name} on ${NAMESRV}`);
} else {
  console.error('usage: node scripts/rocketmq4.mjs run [--acl] | topic <name> [--orderly]');
  process.exitCode = 2;
}

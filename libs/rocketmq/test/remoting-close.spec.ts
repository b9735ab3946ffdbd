// ali-ons leaves its client's connections and loop timers behind when a producer closes (a process-wide inner
// producer keeps the client open, and its loops sleep on timers nobody can clear). RemotingSender.shutdown closes
// them for real: a process that used two senders, then shut them down, exits by itself at once.
import { beforeAll, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { createTopics, namesrv } from '../../../test/support/rocketmq.js';

const TOPIC = `remoting-close-${Date.now().toString(36)}`;
const DIST = join(process.cwd(), 'dist', 'libs', 'rocketmq', 'src', 'index.js');

const CHILD = `
const { RemotingSender, RocketmqProducers } = await import(${JSON.stringify(DIST)});
const message = { topic: process.env.TOPIC, tag: 'connect', body: '{}', keys: ['GID_close@@@d', 'n:1'],
  messageGroup: 'GID_close@@@d', properties: { seq: '1' } };
const sender = new RemotingSender({ instanceId: 'close-a', nameServer: process.env.NAMESRV });
const sent = await sender.send(message);
const producers = new RocketmqProducers((s) => s, { log() {}, debug() {} });
const instance = { instanceId: 'close-b', region: 'local', nameServer: process.env.NAMESRV, namespace: '', tls: false, createdAt: 0 };
const check = await producers.checkTopic(instance, process.env.TOPIC);
const [viaPort] = await producers.sendBatch(instance, [message]);
await sender.shutdown();
await producers.shutdown();
console.log(JSON.stringify({ sent, check, viaPort, left: process.getActiveResourcesInfo() }));
const closedAt = Date.now();
process.on('exit', () => console.log(JSON.stringify({ exitedAfterMs: Date.now() - closedAt })));
`;

beforeAll(async () => {
  await createTopics([{ name: TOPIC }]);
}, 120_000);

it('leaves no connection or timer behind after shutdown: the process exits by itself', async () => {
  const output = await new Promise<string>((resolve, reject) =>
    execFile(
      process.execPath,
      ['--input-type=module', '-e', CHILD],
      // ali-ons' loops wake every 10–30 s: a leaked one shows as a late exit, or a kill at the timeout
      { env: { ...process.env, TOPIC, NAMESRV: namesrv() }, timeout: 40_000 },
      (error, stdout, stderr) => (error ? reject(new Error(`${String(error)}\n${stderr}`)) : resolve(stdout)),
    ),
  );
  const [report, exit] = output
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);

  expect(report).toMatchObject({
    sent: expect.stringMatching(/^01[0-9A-F]{32}$/),
    check: { exists: true, fifo: false },
    viaPort: { messageId: expect.stringMatching(/^01[0-9A-F]{32}$/) },
  });
  // What keeps a process alive: sockets and timers (the child's own stdout pipe is all that may stay).
  expect((report!['left'] as string[]).filter((resource) => resource !== 'PipeWrap')).toEqual([]);
  expect(exit!['exitedAfterMs']).toBeLessThan(1_000);
}, 60_000);

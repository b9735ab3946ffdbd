// Topics and consumer groups through RocketMQ's own admin CLI (MQAdminStartup, i.e. `mqadmin`).
// The gRPC proxy auto-creates neither topics (apache/rocketmq#6540) nor consumer groups, so both must exist
// before clients start.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ensureJars } from './jars.mjs';
import { jvmArgs, runJava } from './java.mjs';
import { CLUSTER, STATE_DIR, defaultNamesrvAddr, splitAddress } from './paths.mjs';
import { isPortOpen } from './process.mjs';

const ADMIN_MAIN = 'org.apache.rocketmq.tools.command.MQAdminStartup';
const TOPIC_NAME = /^[A-Za-z0-9_-]{3,64}$/;
const GROUP_NAME = /^[A-Za-z0-9_%|-]{1,255}$/;
const ADMIN_HOME = join(STATE_DIR, 'admin');
const TOPIC_CREATED = /create topic to \S+ success/;
const TOPICS_SUBMITTED = /submit batch of topic config to \S+ success/;
const GROUP_CREATED = /create subscription group to \S+ success/;

/** Throws unless `name` follows the project's topic naming rule. */
export function validateTopicName(name) {
  if (typeof name !== 'string' || !TOPIC_NAME.test(name)) {
    throw new Error(`invalid topic name ${JSON.stringify(name)}: use 3–64 characters from A-Z a-z 0-9 _ -`);
  }
  // CID/GID prefixes are the conventional consumer/group id prefixes in RocketMQ; a topic must not look like one.
  if (/^(CID|GID)/.test(name))
    throw new Error(`invalid topic name ${JSON.stringify(name)}: must not start with CID or GID`);
  return name;
}

export function validateGroupName(name) {
  if (typeof name !== 'string' || !GROUP_NAME.test(name)) {
    throw new Error(
      `invalid consumer group ${JSON.stringify(name)}: use 1–255 characters from A-Z a-z 0-9 _ - % |`,
    );
  }
  return name;
}

/** Throws the "start it first" error when nothing answers on the namesrv address. */
export async function assertNamesrvReachable(namesrv = defaultNamesrvAddr()) {
  const [host, port] = splitAddress(namesrv);
  if (!(await isPortOpen(host, port))) {
    throw new Error(`no RocketMQ on ${namesrv} — start it with \`npm run rocketmq\``);
  }
}

/**
 * Creates (or updates) one topic: FIFO topics accept only messages with a message group, NORMAL ones
 * only messages without. `type` gives another (DELAY, TRANSACTION): a topic whose messages status notifications
 * are not. ~0.6 s (one admin JVM); createTopics() does several in the same time.
 */
export async function createTopic(
  name,
  { fifo = false, type: given, namesrv = defaultNamesrvAddr(), queues = 8 } = {},
) {
  validateTopicName(name);
  const type = given ?? (fifo ? 'FIFO' : 'NORMAL');
  const args = ['updateTopic', '-c', CLUSTER, '-t', name, '-r', String(queues), '-w', String(queues)];
  const result = await retryTimeouts(() =>
    runAdmin([...args, '-a', `+message.type=${type}`], { namesrv, doneWhen: TOPIC_CREATED }),
  );
  // mqadmin prints its errors and still exits 0, so success is read from stdout.
  expectOutput(result, TOPIC_CREATED, `create ${type} topic ${name}`);
  return { name, type, ms: result.ms };
}

/**
 * Creates several topics with one admin JVM (`updateTopicList`). `topics`: [{ name, fifo }].
 */
export async function createTopics(topics, { namesrv = defaultNamesrvAddr(), queues = 8 } = {}) {
  const configs = topics.map(({ name, fifo = false }) => ({
    topicName: validateTopicName(name),
    readQueueNums: queues,
    writeQueueNums: queues,
    perm: 6,
    // The "+" prefix is required when creating (AttributeUtil rejects unprefixed keys).
    attributes: { '+message.type': fifo ? 'FIFO' : 'NORMAL' },
  }));
  const dir = mkdtempSync(join(tmpdir(), 'rocketmq-topics-'));
  try {
    const file = join(dir, 'topics.json');
    writeFileSync(file, JSON.stringify(configs));
    const result = await runAdmin(['updateTopicList', '-c', CLUSTER, '-f', file], {
      namesrv,
      doneWhen: TOPICS_SUBMITTED,
    });
    // "please check the result later" notwithstanding, the broker has applied the list when it answers.
    expectOutput(result, TOPICS_SUBMITTED, `create topics ${topics.map((t) => t.name).join(', ')}`);
    return { names: configs.map((c) => c.topicName), ms: result.ms };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Creates a consumer group. The gRPC proxy never auto-creates groups: a SimpleConsumer/PushConsumer of an
 * unknown group gets "group not found" on its telemetry stream and its startup() never returns.
 * `fifo`: the group consumes FIFO topics in order (consumeMessageOrderly); a group's kind is fixed by the
 * time of its first receive.
 */
export async function createConsumerGroup(group, { fifo = false, namesrv = defaultNamesrvAddr() } = {}) {
  validateGroupName(group);
  const args = ['updateSubGroup', '-c', CLUSTER, '-g', group, '-o', String(fifo)];
  const result = await retryTimeouts(() => runAdmin(args, { namesrv, doneWhen: GROUP_CREATED }));
  expectOutput(result, GROUP_CREATED, `create ${fifo ? 'FIFO' : 'normal'} consumer group ${group}`);
  return { group, fifo, ms: result.ms };
}

/** An orderly consumer group, for FIFO topics. */
export function createFifoConsumerGroup(group, options = {}) {
  return createConsumerGroup(group, { ...options, fifo: true });
}

/**
 * Runs one mqadmin sub-command against `namesrv`; resolves with { code, stdout, stderr, ms }.
 * `doneWhen`: the success line, after which the JVM is ended without its ~3 s idle shutdown.
 */
export async function runAdmin(args, { namesrv = defaultNamesrvAddr(), timeoutMs = 60_000, doneWhen } = {}) {
  await assertNamesrvReachable(namesrv);
  await ensureJars();
  const jvm = jvmArgs('admin', { home: ADMIN_HOME, tmpDir: tmpdir() });
  return runJava([...jvm, ADMIN_MAIN, ...args, '-n', namesrv], { timeoutMs, doneWhen });
}

/** mqadmin's remoting calls time out after ~2 s on a loaded machine; creating a topic or group again is harmless. */
const REMOTING_TIMEOUT = /RemotingTimeoutException|RemotingConnectException|RemotingSendRequestException/;

async function retryTimeouts(run, attempts = 3) {
  for (let attempt = 1; ; attempt++) {
    const result = await run();
    if (attempt >= attempts || !REMOTING_TIMEOUT.test(`${result.stdout}\n${result.stderr}`)) return result;
  }
}

function expectOutput(result, pattern, what) {
  if (result.code === 0 && pattern.test(result.stdout)) return;
  // Java stack frames say nothing to the user; the exception and "Caused by" lines do.
  const output = `${result.stdout}\n${result.stderr}`
    .split('\n')
    .filter((line) => line.trim() && !/^\s+(at |\.\.\. \d+ more)/.test(line))
    .slice(-12)
    .join('\n');
  throw new Error(`mqadmin could not ${what} (exit ${result.code}):\n${output || '(no output)'}`);
}

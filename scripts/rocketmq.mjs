#!/usr/bin/env node
// A real Apache RocketMQ 5 (namesrv + proxy in local mode with its embedded broker) for development
// and tests, run from Maven Central jars. The logic lives in scripts/rocketmq/*.mjs, shared with the
// jest global setup; this file is only the command line.
//
//   node scripts/rocketmq.mjs run [--keep]           start, stay in the foreground until Ctrl-C / SIGTERM
//   node scripts/rocketmq.mjs topic <name> [--fifo]  create a topic on the running local RocketMQ
//   node scripts/rocketmq.mjs group <name> [--fifo]  create a consumer group (orderly with --fifo)
//   node scripts/rocketmq.mjs tail <topic>           print each message of a topic as it arrives
import { relative } from 'node:path';

import {
  createConsumerGroup,
  createTopic,
  defaultNamesrvAddr,
  REPO_ROOT,
  serveControl,
  startRocketMQ,
  validateGroupName,
  validateTopicName,
} from './rocketmq/index.mjs';
import { tailTopic } from './rocketmq/tail.mjs';

const USAGE = `usage:
  node scripts/rocketmq.mjs run [--keep]            start RocketMQ (fresh store unless --keep); Ctrl-C stops it
  node scripts/rocketmq.mjs topic <name> [--fifo]   create a NORMAL (default) or FIFO topic
  node scripts/rocketmq.mjs group <name> [--fifo]   create a consumer group (--fifo: orderly, for FIFO topics)
  node scripts/rocketmq.mjs tail <topic>            print each message of a topic as it arrives`;

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
const say = (line) => console.error(`[rocketmq] ${line}`);

async function main(argv) {
  const [command, ...rest] = argv;
  const flags = new Set(rest.filter((arg) => arg.startsWith('--')));
  const positional = rest.filter((arg) => !arg.startsWith('--'));
  switch (command) {
    case 'run':
      return run({ keep: flags.has('--keep') });
    case 'topic':
      return topic(positional[0], { fifo: flags.has('--fifo') });
    case 'group':
      return group(positional[0], { fifo: flags.has('--fifo') });
    case 'tail':
      if (!positional[0]) throw new Error(`missing topic name\n${USAGE}`);
      validateTopicName(positional[0]);
      await tailTopic(positional[0]);
      return 0;
    default:
      console.error(USAGE);
      return command === 'help' || command === '--help' ? 0 : 2;
  }
}

/** Runs until SIGINT/SIGTERM, then stops the proxy and the namesrv and waits for both JVMs to exit. */
async function run({ keep }) {
  let handle = null;
  let control = null;
  let stopping = null;
  const stop = (reason, exitCode) => {
    if (!handle) {
      // Still starting: the code after startRocketMQ() sees `stopping` and stops what it started.
      say(`${reason}: stopping as soon as the start returns…`);
      stopping = Promise.resolve();
      return stopping;
    }
    say(`${reason}: stopping RocketMQ…`);
    const started = Date.now();
    stopping = (async () => {
      await control?.close();
      await handle?.stop();
      say(`stopped in ${seconds(Date.now() - started)}`);
      process.exitCode = exitCode;
    })();
    return stopping;
  };
  const onSignal = (signal) => {
    if (!stopping) return void stop(signal, 0);
    // A second Ctrl-C: the user does not want to wait for the graceful stop.
    say('killing the JVMs');
    for (const pid of Object.values(handle?.pids ?? {})) killQuietly(pid);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, onSignal);
  // `npm run` puts a shell between npm and this process; a SIGTERM to npm kills that shell but never
  // reaches us. Notice being orphaned (the parent changed) and stop, instead of leaving two JVMs behind.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent && !stopping) void stop('parent process exited', 0);
  }, 1_000).unref();

  let started;
  try {
    started = await startRocketMQ({
      keep,
      log: say,
      onUnexpectedExit: (name, { code, signal }) => {
        // Ctrl-C reaches the JVMs too (same process group): exits after a stop request are expected.
        if (stopping) return;
        say(`${name} exited unexpectedly (${code ?? signal}); see ${handle?.logsDir ?? 'the logs'}`);
        void stop(`${name} died`, 1);
      },
    });
  } catch (error) {
    // Ctrl-C during the start also stops the JVMs, which then "fail" to start: not worth an error.
    if (!stopping) throw error;
    say('start interrupted');
    return 130;
  }
  if (stopping) {
    await started.stop();
    say('stopped');
    return 0;
  }
  handle = started;
  // Lets a test run that reuses this RocketMQ stop and restart the broker (test/support/rocketmq.ts).
  control = await serveControl(handle, { urlFile: handle.controlUrlFile });
  const { namesrvMs, proxyMs, totalMs } = handle.timings;
  console.log(
    `RocketMQ ${handle.version} ready in ${seconds(totalMs)} (namesrv ${seconds(namesrvMs)}, proxy+broker ${seconds(proxyMs)}) — ` +
      `gRPC ${handle.grpcEndpoint}, namesrv ${handle.namesrv}, work dir ${relative(REPO_ROOT, handle.workDir)}` +
      `${keep ? ' (store kept)' : ''}; Ctrl-C (or SIGINT/SIGTERM to pid ${process.pid}) to stop`,
  );
  // The child processes keep the event loop alive; the signal handlers decide when to leave.
  return undefined;
}

function killQuietly(pid) {
  try {
    if (pid) process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

async function topic(name, { fifo }) {
  if (!name) throw new Error(`missing topic name\n${USAGE}`);
  validateTopicName(name);
  const created = await createTopic(name, { fifo });
  console.log(`created ${created.type} topic ${name} on ${defaultNamesrvAddr()} in ${seconds(created.ms)}`);
  return 0;
}

async function group(name, { fifo }) {
  if (!name) throw new Error(`missing consumer group name\n${USAGE}`);
  validateGroupName(name);
  const created = await createConsumerGroup(name, { fifo });
  console.log(
    `created ${fifo ? 'FIFO' : 'normal'} consumer group ${name} on ${defaultNamesrvAddr()} in ${seconds(created.ms)}`,
  );
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== undefined) process.exitCode = code;
  },
  (error) => {
    console.error(`error: ${error.message}`);
    process.exitCode = 1;
  },
);

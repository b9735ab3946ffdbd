// An Apache RocketMQ 4.9 (name server + broker, remoting protocol only, no proxy) beside the shared RocketMQ 5 of
// scripts/rocketmq.mjs, on other ports, for the remoting kind of instance (issue 15): `node scripts/rocketmq4.mjs`
// and the system tests of the remoting kind. Jars from Maven Central (rocketmq/4.9/pom.xml) into .rocketmq/4.9/lib.
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { JAVA17_FLAGS, runJava } from './java.mjs';
import { REPO_ROOT, STATE_DIR } from './paths.mjs';
import { isPortOpen, spawnJvm, stopJvm, waitForOutput } from './process.mjs';

const POM = join(REPO_ROOT, 'rocketmq', '4.9', 'pom.xml');
const HOME = join(STATE_DIR, '4.9');
const LIB = join(HOME, 'lib');
export const NAMESRV = '127.0.0.1:19876';
// The broker also listens on 20909 (listenPort - 2, VIP channel) and 20912 (listenPort + 1, HA).
export const BROKER_PORT = 20911;
const CLUSTER = 'Relay4Cluster';
export const ACL_ACCOUNT = { accessKey: 'relay-test', secretKey: 'relay-test-secret' };

const JVM = [
  '-XX:+UseSerialGC',
  '-XX:TieredStopAtLevel=1',
  ...JAVA17_FLAGS,
  '-Djava.net.preferIPv4Stack=true',
  `-Duser.home=${HOME}`,
  `-Drocketmq.home.dir=${HOME}`,
  '-cp',
  join(LIB, '*'),
];
const say = (line) => console.error(`[rocketmq4] ${line}`);

export async function ensureJars() {
  try {
    if (readdirSync(LIB).some((name) => name.startsWith('rocketmq-broker-'))) return;
  } catch {
    // not resolved yet
  }
  say(`resolving Apache RocketMQ 4.9 jars with Maven into ${LIB} (first run only)…`);
  const args = [
    '-B',
    '-q',
    '-f',
    POM,
    'org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies',
  ];
  const code = await new Promise((resolve) =>
    spawn('mvn', [...args, `-DoutputDirectory=${LIB}`, '-DincludeScope=runtime'], { stdio: 'inherit' }).on(
      'close',
      resolve,
    ),
  );
  if (code !== 0) throw new Error(`Maven could not resolve the jars of ${POM} (exit ${code})`);
}

/** 4.x reads its logback configuration from $ROCKETMQ_HOME/conf and exits without it. */
function writeConf({ acl }) {
  const conf = join(HOME, 'conf');
  mkdirSync(conf, { recursive: true });
  for (const role of ['namesrv', 'broker', 'tools'])
    writeFileSync(
      join(conf, `logback_${role}.xml`),
      `<configuration><appender name="F" class="ch.qos.logback.core.FileAppender"><file>${join(HOME, 'logs', `${role}.log`)}</file>` +
        `<encoder><pattern>%d %p %c{0} - %m%n</pattern></encoder></appender><root level="INFO"><appender-ref ref="F"/></root></configuration>`,
    );
  const store = join(HOME, 'store');
  rmSync(store, { recursive: true, force: true });
  writeFileSync(join(conf, 'namesrv.conf'), `listenPort=${NAMESRV.split(':')[1]}\n`);
  writeFileSync(
    join(conf, 'broker.conf'),
    [
      `brokerClusterName=${CLUSTER}`,
      'brokerName=broker-4',
      'brokerId=0',
      `listenPort=${BROKER_PORT}`,
      `namesrvAddr=${NAMESRV}`,
      'brokerIP1=127.0.0.1',
      `storePathRootDir=${store}`,
      `storePathCommitLog=${join(store, 'commitlog')}`,
      // 4.x's default (true) would create any topic a producer names: topics here are made on purpose.
      'autoCreateTopicEnable=false',
      `aclEnable=${acl}`,
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(conf, 'plain_acl.yml'),
    `globalWhiteRemoteAddresses: []\naccounts:\n  - accessKey: ${ACL_ACCOUNT.accessKey}\n    secretKey: ${ACL_ACCOUNT.secretKey}\n    admin: true\n`,
  );
  // mqadmin signs its requests with the account of conf/tools.yml when the file is there.
  const tools = join(conf, 'tools.yml');
  if (acl) writeFileSync(tools, `accessKey: ${ACL_ACCOUNT.accessKey}\nsecretKey: ${ACL_ACCOUNT.secretKey}\n`);
  else rmSync(tools, { force: true });
  mkdirSync(join(HOME, 'logs'), { recursive: true });
  return conf;
}

/**
 * Starts a name server and a broker on a fresh store; resolves once both are ready. The handle stops and starts
 * the broker again on the same store (an outage: SIGTERM, or SIGKILL with `crash`), and stops both.
 */
export async function startRocketMQ4({ acl = false, log = say } = {}) {
  for (const port of [Number(NAMESRV.split(':')[1]), BROKER_PORT])
    if (await isPortOpen('127.0.0.1', port))
      throw new Error(`port ${port} is taken: is another RocketMQ 4.9 (scripts/rocketmq4.mjs) running?`);
  await ensureJars();
  const conf = writeConf({ acl });
  const out = (role) => join(HOME, 'logs', `${role}.out`);
  const namesrv = spawnJvm(
    'namesrv 4.9',
    ['-Xmx128m', ...JVM, 'org.apache.rocketmq.namesrv.NamesrvStartup', '-c', join(conf, 'namesrv.conf')],
    { outFile: out('namesrv') },
  );
  await waitForOutput(namesrv, /The Name Server boot success/, { timeoutMs: 60_000 });
  const startBroker = async () => {
    const started = Date.now();
    const proc = spawnJvm(
      'broker 4.9',
      [
        '-Xmx256m',
        '-XX:MaxDirectMemorySize=256m',
        ...JVM,
        'org.apache.rocketmq.broker.BrokerStartup',
        '-c',
        join(conf, 'broker.conf'),
      ],
      { outFile: out('broker') },
    );
    broker = proc;
    await waitForOutput(proc, /boot success/, { timeoutMs: 90_000 });
    return Date.now() - started;
  };
  let broker;
  await startBroker();
  log(
    `RocketMQ 4.9 ready: name server ${NAMESRV}, broker 127.0.0.1:${BROKER_PORT}${acl ? `, ACL on (${ACL_ACCOUNT.accessKey})` : ''}`,
  );
  return {
    namesrv: NAMESRV,
    startBroker,
    stopBroker: ({ crash = false } = {}) => stopJvm(broker, { signal: crash ? 'SIGKILL' : 'SIGTERM' }),
    createTopic: (name, options = {}) => topic(name, options),
    async stop() {
      await stopJvm(broker);
      await stopJvm(namesrv);
    },
  };
}

/** Creates a topic of 4 queues on the running 4.9 (a cold admin JVM: ~4 s); `orderly`: the name server's order config. */
export async function topic(name, { orderly = false } = {}) {
  if (!name) throw new Error('usage: node scripts/rocketmq4.mjs topic <name>');
  await ensureJars();
  const { code, stdout, stderr } = await runJava(
    [
      '-Xmx256m',
      ...JVM,
      'org.apache.rocketmq.tools.command.MQAdminStartup',
      'updateTopic',
      '-n',
      NAMESRV,
      '-c',
      CLUSTER,
      '-t',
      name,
      '-r',
      '4',
      '-w',
      '4',
      ...(orderly ? ['-o', 'true'] : []),
    ],
    { doneWhen: /create topic to .* success/ },
  );
  // mqadmin prints a refusal and exits 0: only its success line counts.
  if (code !== 0 || !/create topic to .* success/.test(stdout))
    throw new Error(`could not create topic ${name} on ${NAMESRV}:\n${stdout}${stderr}`);
}

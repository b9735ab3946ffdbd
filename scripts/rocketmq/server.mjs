// Starting and stopping a local namesrv + proxy (local mode, embedded broker).
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

import { prepareWorkDir, workDirLayout, writeConfigs } from './config.mjs';
import { ensureJars } from './jars.mjs';
import { jvmArgs } from './java.mjs';
import { DEFAULT_HOST, DEFAULT_PORTS, DEFAULT_WORK_DIR } from './paths.mjs';
import { isAlive, isPortOpen, sleep, spawnJvm, stopJvm, waitForOutput } from './process.mjs';
import { isBrokerRegistered, requestBrokerRegistration } from './remoting.mjs';

const NAMESRV_MAIN = 'org.apache.rocketmq.namesrv.NamesrvStartup';
const PROXY_MAIN = 'org.apache.rocketmq.proxy.ProxyStartup';
const NAMESRV_READY = /The Name Server boot success/;
const PROXY_READY = /rocketmq-proxy startup successfully/;

/**
 * Starts namesrv, then the proxy with its embedded broker, and waits until both are ready.
 *
 * Options: workDir (default .rocketmq/run), keep (keep store and logs of the last run),
 * namesrvPort/grpcPort/remotingPort/brokerPort, namesrvTimeoutMs, proxyTimeoutMs, log (progress lines),
 * onUnexpectedExit(name, { code, signal }) (a JVM died while nobody was stopping it).
 *
 * Returns a handle: { grpcEndpoint, namesrv, workDir, logsDir, controlUrlFile, version, pids, timings, stop(),
 * stopBroker(), startBroker(), isBrokerRunning() }.
 */
export async function startRocketMQ(options = {}) {
  const {
    workDir = DEFAULT_WORK_DIR,
    keep = false,
    namesrvTimeoutMs = 60_000,
    proxyTimeoutMs = 120_000,
    log = () => {},
    onUnexpectedExit = () => {},
  } = options;
  const ports = { ...DEFAULT_PORTS, ...pickPorts(options) };
  const started = Date.now();

  const jars = await ensureJars({ log });
  await killLeftovers(workDirLayout(workDir), log);
  await assertPortsFree(portsInUse(ports));
  const layout = prepareWorkDir(workDir, { keep });
  writeConfigs(layout, ports);

  const state = { namesrv: null, proxy: null, stopping: new Set() };
  const watch = (proc) =>
    proc.exited.then((result) => {
      if (!state.stopping.has(proc)) onUnexpectedExit(proc.name, result);
    });
  const savePids = () =>
    writeFileSync(layout.pidFile, JSON.stringify({ namesrv: state.namesrv?.pid, proxy: state.proxy?.pid }));

  const startNamesrv = async () => {
    const args = [...jvmArgs('namesrv', { home: layout.home, tmpDir: layout.tmp }), NAMESRV_MAIN];
    state.namesrv = spawnJvm('namesrv', [...args, '-c', layout.namesrvConf], { outFile: layout.namesrvOut });
    savePids();
    const ms = await waitForOutput(state.namesrv, NAMESRV_READY, {
      timeoutMs: namesrvTimeoutMs,
      logsHint: `${layout.logs}/namesrv.log`,
    });
    watch(state.namesrv);
    return ms;
  };

  const startBroker = async () => {
    if (state.proxy && isAlive(state.proxy)) throw new Error('the RocketMQ proxy/broker is already running');
    await assertPortsFree(portsInUse(ports).filter(([label]) => label !== 'namesrv'));
    const args = [
      ...jvmArgs('proxy', { home: layout.home, tmpDir: layout.tmp }),
      PROXY_MAIN,
      '-pm',
      'local',
      '-pc',
      layout.proxyConf,
      '-bc',
      layout.brokerConf,
      '-n',
      `${DEFAULT_HOST}:${ports.namesrvPort}`,
    ];
    state.proxy = spawnJvm('proxy', args, { outFile: layout.proxyOut });
    savePids();
    const since = Date.now();
    await waitForOutput(state.proxy, PROXY_READY, {
      timeoutMs: proxyTimeoutMs,
      logsHint: `${layout.logs}/proxy.log and broker.log`,
    });
    await waitForBrokerRegistration(
      `${DEFAULT_HOST}:${ports.namesrvPort}`,
      `${DEFAULT_HOST}:${ports.brokerPort}`,
    );
    watch(state.proxy);
    return Date.now() - since;
  };

  const stopProc = async (proc, stopOptions) => {
    if (!proc) return 0;
    state.stopping.add(proc);
    return stopJvm(proc, stopOptions);
  };

  const stopBroker = async (stopOptions = {}) => {
    const ms = await stopProc(state.proxy, stopOptions);
    state.proxy = null;
    savePids();
    return ms;
  };

  const stop = async (stopOptions = {}) => {
    // Proxy first: its broker unregisters from the namesrv on the way down.
    await stopBroker(stopOptions);
    await stopProc(state.namesrv, stopOptions);
    state.namesrv = null;
    rmSync(layout.pidFile, { force: true });
  };

  try {
    const namesrvMs = await startNamesrv();
    const proxyMs = await startBroker();
    return {
      grpcEndpoint: `${DEFAULT_HOST}:${ports.grpcPort}`,
      namesrv: `${DEFAULT_HOST}:${ports.namesrvPort}`,
      workDir: layout.workDir,
      logsDir: layout.logs,
      controlUrlFile: layout.controlUrlFile,
      version: jars.version,
      get pids() {
        return { namesrv: state.namesrv?.pid, proxy: state.proxy?.pid };
      },
      timings: { jarsMs: jars.ms, namesrvMs, proxyMs, totalMs: Date.now() - started },
      stop,
      /** Stops only the proxy+broker JVM; the store and the namesrv stay. Resolves with the stop time in ms. */
      stopBroker,
      /** Starts the proxy+broker JVM again on the same store. Resolves with the start time in ms. */
      startBroker,
      isBrokerRunning: () => Boolean(state.proxy && isAlive(state.proxy)),
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * "rocketmq-proxy startup successfully" is printed before the namesrv knows the broker: the broker's first
 * registration finds no *available* namesrv yet (its scan connects asynchronously) and the next one is
 * scheduled 10 s later. Until then mqadmin fails ("Make sure the specified clusterName exists") and clients
 * get no routes. Ask the broker to register now and confirm on the namesrv.
 */
async function waitForBrokerRegistration(namesrv, brokerAddr, timeoutMs = 20_000) {
  const started = Date.now();
  let lastError = null;
  for (;;) {
    try {
      await requestBrokerRegistration(brokerAddr);
      if (await isBrokerRegistered(namesrv, brokerAddr)) return;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() - started > timeoutMs) {
      const why = lastError ? `: ${lastError.message}` : '';
      throw new Error(
        `the broker ${brokerAddr} did not register with the namesrv ${namesrv} within ${timeoutMs / 1000} s${why}`,
      );
    }
    await sleep(200);
  }
}

function pickPorts(options) {
  const picked = {};
  for (const key of Object.keys(DEFAULT_PORTS)) if (options[key] !== undefined) picked[key] = options[key];
  return picked;
}

/** [label, port] of every TCP port the two JVMs listen on. */
function portsInUse({ namesrvPort, grpcPort, remotingPort, brokerPort }) {
  return [
    ['namesrv', namesrvPort],
    ['proxy gRPC', grpcPort],
    ['proxy remoting', remotingPort],
    ['broker', brokerPort],
    ['broker fast channel', brokerPort - 2],
    ['broker HA', brokerPort + 1],
  ];
}

async function assertPortsFree(ports) {
  const busy = [];
  for (const [label, port] of ports)
    if (await isPortOpen(DEFAULT_HOST, port, 500)) busy.push(`${port} (${label})`);
  if (busy.length > 0) {
    throw new Error(
      `cannot start RocketMQ: ${busy.join(', ')} already in use on ${DEFAULT_HOST}. Is another RocketMQ running (\`npm run rocketmq\` or an earlier test run)? Stop it first.`,
    );
  }
}

/**
 * A run whose Node process was SIGKILLed leaves its JVMs behind. They are found through the pid file of
 * the same work dir and killed only when their command line still names that work dir.
 */
async function killLeftovers(layout, log) {
  if (!existsSync(layout.pidFile)) return;
  let pids = {};
  try {
    pids = JSON.parse(readFileSync(layout.pidFile, 'utf8'));
  } catch {
    // A torn pid file: nothing to identify, nothing to kill.
  }
  for (const [name, pid] of Object.entries(pids)) {
    if (!pid || !commandLine(pid).includes(`-Duser.home=${layout.home}`)) continue;
    log(`stopping leftover ${name} (pid ${pid}) of an earlier run in ${layout.workDir}`);
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      continue; // exited meanwhile
    }
    for (let i = 0; i < 50 && commandLine(pid); i++) await sleep(100);
  }
  rmSync(layout.pidFile, { force: true });
}

function commandLine(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

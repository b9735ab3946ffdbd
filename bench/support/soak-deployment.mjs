// The pieces of the soak that get restarted: each app as a process that can be killed and started again on the
// same environment (its output appended to a log file), and a RocketMQ whose broker can be stopped and started.
import { spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { startRocketMQ } from '../../scripts/rocketmq/index.mjs';

const READY = {
  'rule-manager': 'HTTP on',
  'presence-ingest': 'MQTT broker',
  'rocketmq-dispatch': 'forwarding client status events',
};

const canListen = (port) =>
  new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

/** `count` consecutive free ports below the ephemeral range; returns the first. */
export async function freePorts(count = 1) {
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await Promise.all(Array.from({ length: count }, (_, i) => canListen(base + i)));
    if (free.every(Boolean)) return base;
  }
}

/** One app from dist/ that can be started, killed and started again; stdout and stderr go to `<logDir>/<name>.log`. */
export class AppProcess {
  constructor(name, env, logDir) {
    this.name = name;
    this.env = env;
    this.logFile = join(logDir, `${name}.log`);
    this.log = createWriteStream(this.logFile, { flags: 'a' });
    this.child = undefined;
    this.starts = 0;
  }

  get running() {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts it and resolves once it printed its ready line (rejects if it exits first or after `timeoutMs`). */
  async start(timeoutMs = 60_000) {
    this.starts += 1;
    this.log.write(`\n===== start #${this.starts} at ${new Date().toISOString()} =====\n`);
    const child = spawn(process.execPath, ['--enable-source-maps', `dist/apps/${this.name}/src/main.js`], {
      env: { ...process.env, ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout.pipe(this.log, { end: false });
    child.stderr.pipe(this.log, { end: false });
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
    let seen = '';
    await new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${this.name} not ready in ${timeoutMs} ms`)),
        timeoutMs,
      );
      child.stdout.on('data', (chunk) => {
        if (seen === null) return;
        seen = (seen + chunk).slice(-10_000);
        if (seen.includes(READY[this.name])) {
          seen = null;
          clearTimeout(timer);
          resolve();
        }
      });
      void this.exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`${this.name} exited (${code}) before it was ready; see ${this.logFile}`));
      });
    });
  }

  /** Sends `signal`; resolves once the process is gone (SIGKILL after 15 s). */
  async stop(signal = 'SIGTERM') {
    if (!this.running) return;
    this.log.write(`\n===== ${signal} at ${new Date().toISOString()} =====\n`);
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    await this.exited;
    clearTimeout(timer);
  }
}

// Ports of the soak's own RocketMQ: below benchPort()'s range (20000+), away from the shared one's 8081/9876/10911.
const PRIVATE_PORTS = { namesrvPort: 19876, grpcPort: 19081, remotingPort: 19080, brokerPort: 19911 };

/**
 * The RocketMQ the soak restarts. `private` (default): its own namesrv + broker in .rocketmq/soak on other ports,
 * started here and stopped at the end, so restarting it never disturbs tests that use the shared one. `shared`:
 * the one on 127.0.0.1:8081 (`npm run rocketmq`), stopped and started through its control URL.
 * Returns { endpoints, namesrv, stopBroker(signal), startBroker(), close() }.
 */
export async function soakRocketmq(kind, { log }) {
  if (kind === 'shared') {
    const url = readFileSync(join(import.meta.dirname, '../../.rocketmq/run/control.url'), 'utf8').trim();
    const control = async (path) => {
      const response = await fetch(`${url}${path}`, { method: 'POST' });
      const body = await response.json();
      if (!response.ok) throw new Error(`RocketMQ control ${path}: ${body.error ?? response.status}`);
      return body.ms;
    };
    return {
      endpoints: process.env.ROCKETMQ_ENDPOINT ?? '127.0.0.1:8081',
      namesrv: process.env.ROCKETMQ_NAMESRV ?? '127.0.0.1:9876',
      stopBroker: (signal) => control(`/broker/stop?signal=${signal}`),
      startBroker: () => control('/broker/start'),
      close: async () => undefined,
    };
  }
  if (kind !== 'private') throw new Error(`SOAK_ROCKETMQ must be private or shared, not ${kind}`);
  const handle = await startRocketMQ({
    workDir: join(import.meta.dirname, '../../.rocketmq/soak'),
    ...PRIVATE_PORTS,
    log: (line) => log(`rocketmq: ${line}`),
    onUnexpectedExit: (name, { code, signal }) =>
      log(`rocketmq: ${name} exited unexpectedly (${code ?? signal})`),
  });
  return {
    endpoints: handle.grpcEndpoint,
    namesrv: handle.namesrv,
    stopBroker: (signal) => handle.stopBroker({ signal }),
    startBroker: () => handle.startBroker(),
    close: () => handle.stop(),
  };
}

/** The gauges of a /metrics page, by name (labels ignored); undefined while the app is down. */
export async function scrapeMetrics(port) {
  try {
    const text = await (
      await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(2_000) })
    ).text();
    return Object.fromEntries(
      text
        .split('\n')
        .filter((line) => line.startsWith('msr_'))
        .map((line) => [line.split(/[{ ]/)[0], Number(line.slice(line.lastIndexOf(' ') + 1))]),
    );
  } catch {
    return undefined;
  }
}

/** The soak's RocketMQ instance, group and rule, through rule-manager's API. */
export async function createSoakRule(env, token, { rocketmq, group, rule, topic }) {
  const api = async (path, body) => {
    const response = await fetch(`http://127.0.0.1:${env.HTTP_PORT}/api/v1${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (response.status >= 300) throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
  };
  await api('/rocketmq-instances', {
    instanceId: 'rmq-soak',
    region: 'local',
    endpoints: rocketmq.endpoints,
  });
  await api('/groups', { groupId: group });
  await api('/rules', {
    ruleId: rule,
    status: 'ENABLED',
    ruleType: 'CLIENT_STATUS_NOTIFY',
    source: { groupId: group },
    target: { serviceType: 'ROCKETMQ', instanceId: 'rmq-soak', topic },
  });
}

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

/** What each app prints once it is ready: the start-up line the README shows. */
const READY: Record<AppName, RegExp> = {
  'rule-manager': /HTTP on http:\/\/localhost:\d+/,
  'presence-ingest': /MQTT broker of instance .* on mqtt:\/\/[^:]+:\d+/,
  'rocketmq-dispatch': /forwarding client status events/,
};

export type AppName = 'rule-manager' | 'presence-ingest' | 'rocketmq-dispatch';

export interface RunningApp {
  name: AppName;
  process: ChildProcess;
  output: () => string;
  /** SIGTERM, then SIGKILL after a timeout; resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * `count` consecutive free ports below Linux's ephemeral range (32768+), where no outgoing connection (the
 * tests open thousands) can take one between this check and the app's listen.
 */
export async function freePorts(count = 1): Promise<number> {
  for (;;) {
    const base = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await Promise.all(Array.from({ length: count }, (_, i) => canListen(base + i)));
    if (free.every(Boolean)) return base;
  }
}

/** A port nobody listens on right now. */
export const freePort = () => freePorts(1);

export const E2E_ADMIN_SECRET = 'e2e-admin-secret-0123456789';

/** Environment for one isolated deployment: its own data directory and free ports (never 1883: Mosquitto). */
export async function isolatedEnv(overrides: Record<string, string> = {}): Promise<Record<string, string>> {
  // An existing DATA_DIR in `overrides` is used as it is: fresh ports for apps on a store made earlier.
  const dataDir = overrides['DATA_DIR'] ?? mkdtempSync(join(tmpdir(), 'msr-'));
  const busPort = await freePorts(3); // the TCP bus: rule-manager on it, presence-ingest +1, rocketmq-dispatch +2
  const metricsPort = await freePorts(2); // presence-ingest's /metrics on it, rocketmq-dispatch's +1
  return {
    DATA_DIR: dataDir,
    HTTP_PORT: String(await freePort()),
    GRPC_PORT: String(await freePort()),
    MQTT_PORT: String(await freePort()),
    BUS_URL: `tcp://127.0.0.1:${busPort}`,
    METRICS_PORT: String(metricsPort),
    INSTANCE_ID: 'mqtt-test',
    REGION: 'local',
    API_TOKENS: `e2e:admin:${E2E_ADMIN_SECRET}`,
    ...overrides,
  };
}

/** One app from the build (`npm run build`) as its own process, its stdout and stderr collected. */
function spawnApp(name: AppName, env: Record<string, string>) {
  const child = spawn(
    process.execPath,
    ['--enable-source-maps', join(ROOT, `dist/apps/${name}/src/main.js`)],
    {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const collected = { text: '' };
  child.stdout!.on('data', (chunk) => (collected.text += chunk));
  child.stderr!.on('data', (chunk) => (collected.text += chunk));
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
  return { child, collected, exited };
}

/** Starts one app from the build (`npm run build`) as a separate process and waits for its ready line. */
export async function startApp(
  name: AppName,
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<RunningApp> {
  const { child, collected, exited } = spawnApp(name, env);

  await new Promise<void>((ready, fail) => {
    const timer = setTimeout(
      () => fail(new Error(`${name} not ready after ${timeoutMs} ms:\n${collected.text}`)),
      timeoutMs,
    );
    const check = () => {
      if (READY[name].test(collected.text)) {
        clearTimeout(timer);
        ready();
      }
    };
    child.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      fail(new Error(`${name} exited with code ${code} before it was ready:\n${collected.text}`));
    });
  });

  return {
    name,
    process: child,
    output: () => collected.text,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Runs an app expected to fail at start; returns its exit code and output. */
export async function runFailingApp(
  name: AppName,
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  const { child, collected, exited } = spawnApp(name, env);
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const code = await exited;
  clearTimeout(timer);
  return { code, output: collected.text };
}

// Jest global setup: the system tests need a real PostgreSQL and a real RocketMQ. Neither is ever skipped:
// a missing dependency fails the run with a message saying how to provide it.
//
// Jest loads this file (and global-teardown.ts) with Node's own ESM loader, without the test moduleNameMapper:
// relative imports of other .ts files fail there, so only packages and the .mjs runtime are imported.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import pg from 'pg';

import {
  DEFAULT_HOST,
  DEFAULT_PORTS,
  DEFAULT_WORK_DIR,
  STATE_DIR,
  isPortOpen,
  serveControl,
  startRocketMQ,
} from '../../scripts/rocketmq/index.mjs';
import type { RocketMQHandle } from '../../scripts/rocketmq/index.mjs';

/** What global-teardown.ts stops (same process, but a separate module instance: hence a registry symbol). */
export interface StartedRocketMQ {
  handle: RocketMQHandle;
  closeControl: () => Promise<void>;
}
export const STARTED_ROCKETMQ = Symbol.for('mqtt-status-relay.test.rocketmq');

const DEFAULT_PG_URL = 'postgres://postgres@127.0.0.1:5432/test';
const GRPC_ENDPOINT = `${DEFAULT_HOST}:${DEFAULT_PORTS.grpcPort}`;
const NAMESRV = `${DEFAULT_HOST}:${DEFAULT_PORTS.namesrvPort}`;

export default async function globalSetup(): Promise<void> {
  await checkPostgres(process.env.PG_URL ?? DEFAULT_PG_URL);
  await provideRocketMQ();
}

async function checkPostgres(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    throw new Error(
      [
        `PostgreSQL is not reachable at PG_URL=${redact(url)}: ${(error as Error).message}`,
        'The tests need a real PostgreSQL. Start one, e.g. `sudo pg_ctlcluster 15 main start`',
        '(or `docker run -d -p 5432:5432 -e POSTGRES_HOST_AUTH_METHOD=trust -e POSTGRES_DB=test postgres:15`),',
        `create the database if it is missing (\`createdb -h 127.0.0.1 -U postgres ${databaseName(url)}\`), or set PG_URL.`,
      ].join('\n'),
      { cause: error },
    );
  } finally {
    await client.end().catch(() => undefined);
  }
  // Tests read the same URL the check used.
  process.env.PG_URL = url;
}

/**
 * Reuses a RocketMQ that already answers on 8081 (e.g. `npm run rocketmq`), else starts a fresh one.
 * Tests find it through ROCKETMQ_ENDPOINT / ROCKETMQ_NAMESRV, and ROCKETMQ_CONTROL_URL to stop/restart the broker.
 */
async function provideRocketMQ(): Promise<void> {
  process.env.ROCKETMQ_ENDPOINT = GRPC_ENDPOINT;
  process.env.ROCKETMQ_NAMESRV = NAMESRV;
  if (await isPortOpen(DEFAULT_HOST, DEFAULT_PORTS.grpcPort)) return reuseRocketMQ();

  const handle = await startRocketMQ({
    // Not .rocketmq/run: a test run must not wipe the store of a kept `npm run rocketmq --keep`.
    workDir: join(STATE_DIR, 'test'),
    log: (line) => console.log(`[rocketmq] ${line}`),
  });
  const control = await serveControl(handle);
  process.env.ROCKETMQ_CONTROL_URL = control.url;
  const started: StartedRocketMQ = { handle, closeControl: control.close };
  (globalThis as Record<symbol, StartedRocketMQ>)[STARTED_ROCKETMQ] = started;
  const { namesrvMs, proxyMs, totalMs } = handle.timings;
  console.log(
    `\n[rocketmq] RocketMQ ${handle.version} started in ${seconds(totalMs)} (namesrv ${seconds(namesrvMs)}, proxy+broker ${seconds(proxyMs)}): ` +
      `gRPC ${handle.grpcEndpoint}, namesrv ${handle.namesrv}, logs in ${handle.logsDir}`,
  );
}

async function reuseRocketMQ(): Promise<void> {
  if (!(await isPortOpen(DEFAULT_HOST, DEFAULT_PORTS.namesrvPort))) {
    throw new Error(
      `something answers on ${GRPC_ENDPOINT} but no namesrv on ${NAMESRV}: stop whatever holds port ${DEFAULT_PORTS.grpcPort}, or start RocketMQ with \`npm run rocketmq\``,
    );
  }
  const controlUrl = await findControlUrl();
  if (controlUrl) process.env.ROCKETMQ_CONTROL_URL = controlUrl;
  console.log(
    `\n[rocketmq] reusing the RocketMQ already running on ${GRPC_ENDPOINT} (namesrv ${NAMESRV}); it is left running` +
      (controlUrl ? '' : ' (not started by `npm run rocketmq`: tests cannot stop/restart its broker)'),
  );
}

/** The control URL published by `npm run rocketmq`, if that is what is running. */
async function findControlUrl(): Promise<string | undefined> {
  try {
    const url = (await readFile(join(DEFAULT_WORK_DIR, 'control.url'), 'utf8')).trim();
    const response = await fetch(`${url}/status`, { signal: AbortSignal.timeout(2_000) });
    return response.ok ? url : undefined;
  } catch {
    return undefined;
  }
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

function databaseName(url: string): string {
  try {
    return decodeURIComponent(new URL(url).pathname.slice(1)) || 'test';
  } catch {
    return 'test';
  }
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

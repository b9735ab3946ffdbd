// p50/p99 latency of creating rules and listing them, against rule-manager started from the build as its own
// process on a fresh store (SQLite by default; BENCH_STORE=postgres for a fresh schema in the local PostgreSQL).
// Run: npm run build && node bench/rules-api.mjs   (prints figures; not a test)
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { benchStoreUrl } from './support/presence-deployment.mjs';

const RULES = 100;
const LIST_CALLS = 500;
const PORT = 3900 + Math.floor(Math.random() * 50);
const TOKEN = 'bench-admin-token-000000';
const base = `http://127.0.0.1:${PORT}/api/v1`;

const dataDir = mkdtempSync(join(tmpdir(), 'bench-rules-'));
const env = {
  ...process.env,
  DATA_DIR: dataDir,
  EVENT_STORE_URL: benchStoreUrl(dataDir),
  HTTP_PORT: String(PORT),
  BUS_URL: `tcp://127.0.0.1:${PORT + 100}`,
  GRPC_PORT: String(PORT + 200),
  API_TOKENS: `bench:admin:${TOKEN}`,
  MAX_RULES_PER_INSTANCE: String(RULES),
};
const app = spawn(process.execPath, ['dist/apps/rule-manager/src/main.js'], {
  env,
  stdio: ['ignore', 'pipe', 'inherit'],
});
await new Promise((ready) => app.stdout.on('data', (chunk) => String(chunk).includes('HTTP on') && ready()));

async function call(method, path, body) {
  const started = performance.now();
  const response = await fetch(base + path, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    ...(body && { body: JSON.stringify(body) }),
  });
  await response.arrayBuffer();
  if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status}`);
  return performance.now() - started;
}

const percentile = (values, p) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))];
const report = (name, values) =>
  console.log(
    `${name.padEnd(34)} n=${String(values.length).padStart(4)}  p50 ${percentile(values, 50).toFixed(2)} ms  p99 ${percentile(values, 99).toFixed(2)} ms`,
  );

try {
  // Nothing listens on port 9: rules are accepted with a "topic not checked" warning, without network waits.
  await call('POST', '/rocketmq-instances', {
    instanceId: 'rmq-bench',
    region: 'local',
    endpoints: '127.0.0.1:9',
  });
  for (let i = 0; i < RULES; i++) await call('POST', '/groups', { groupId: `GID_bench_${i}` });
  const creates = [];
  for (let i = 0; i < RULES; i++) {
    creates.push(
      await call('POST', '/rules', {
        ruleId: `bench-${i}`,
        status: 'ENABLED',
        ruleType: 'CLIENT_STATUS_NOTIFY',
        source: { groupId: `GID_bench_${i}` },
        target: { serviceType: 'ROCKETMQ', instanceId: 'rmq-bench', topic: 'bench-topic' },
      }),
    );
  }
  const lists = [];
  for (let i = 0; i < LIST_CALLS; i++) lists.push(await call('GET', '/rules?pageSize=100'));
  const gets = [];
  for (let i = 0; i < LIST_CALLS; i++) gets.push(await call('GET', `/rules/bench-${i % RULES}`));
  console.log(
    `rule-manager on ${env.EVENT_STORE_URL.split(':')[0]}, ${RULES} groups + ${RULES} rules, sequential calls; ` +
      `${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB`,
  );
  report('create rule (1st … 100th)', creates);
  report(`list ${RULES} rules`, lists);
  report('get one rule', gets);
} finally {
  app.kill('SIGTERM');
}

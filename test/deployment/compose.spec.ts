import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { loadConfig } from '#libs/platform';

/**
 * docker-compose.yml as the production deployment on one host: every service the apps need, a health check per
 * app on the port its configuration gives it, volumes for everything stateful, and environments the apps accept.
 */
const ROOT = resolve(import.meta.dirname, '../..');
const CREDENTIALS_KEY = Buffer.alloc(32, 7).toString('base64');
const BUS_SECRET = Buffer.alloc(32, 9).toString('base64');
const NATS_PASSWORD = 'a1b2c3d4e5f6a1b2c3d4e5f6';
const REQUIRED: Record<string, string> = { CREDENTIALS_KEY, BUS_SECRET, NATS_PASSWORD };

interface Service {
  image?: string;
  build?: string;
  command?: string[];
  environment?: Record<string, string | number>;
  healthcheck?: { test: string[] };
  volumes?: string[];
  profiles?: string[];
}

/** `${NAME:-default}` gives the default, `${NAME:?message}` the test's value, as docker compose would. */
function interpolated(text: string): string {
  return text
    .replace(/\$\{(\w+):\?[^}]*\}/g, (_, name: string) => REQUIRED[name]!)
    .replace(/\$\{\w+:-([^}]*)\}/g, '$1');
}

const compose = parse(interpolated(readFileSync(resolve(ROOT, 'docker-compose.yml'), 'utf8')), {
  merge: true,
}) as { services: Record<string, Service>; volumes: Record<string, unknown> };
const APPS = ['rule-manager', 'presence-ingest', 'rocketmq-dispatch'];

const envOf = (name: string) =>
  Object.fromEntries(
    Object.entries(compose.services[name]!.environment ?? {}).map(([k, v]) => [k, String(v)]),
  );
const healthPort = (name: string) =>
  Number(/127\.0\.0\.1:(\d+)\/health/.exec(compose.services[name]!.healthcheck!.test.join(' '))![1]);

describe('docker-compose.yml', () => {
  it('runs PostgreSQL, NATS, RocketMQ 5 (namesrv, broker with its proxy) and the three apps built here', () => {
    const always = Object.keys(compose.services).filter((name) => !compose.services[name]!.profiles);
    expect(always.sort()).toEqual(
      ['nats', 'postgres', 'rocketmq-broker', 'rocketmq-namesrv', ...APPS].sort(),
    );
    expect(compose.services['rocketmq-broker']!.image).toMatch(/^apache\/rocketmq:5\./);
    expect(compose.services['rocketmq-broker']!.command).toContain('--enable-proxy');
    for (const app of APPS) {
      expect(compose.services[app]!.build).toBe('.');
      expect(compose.services[app]!.command).toContain(`dist/apps/${app}/src/main.js`);
    }
  });

  it('keeps every stateful service on a named volume', () => {
    const mounted = ['postgres', 'nats', 'rocketmq-broker', 'prometheus'].map(
      (name) => compose.services[name]!.volumes![0]!.split(':')[0],
    );
    expect(mounted.sort()).toEqual(Object.keys(compose.volumes).sort());
  });

  it('gives each app an environment it starts with, and a health check on the port that environment gives it', () => {
    for (const app of APPS) {
      const config = loadConfig(envOf(app));
      expect(config.eventStoreUrl).toMatch(/^postgres:\/\/relay:relay@postgres:5432\/relay/);
      expect(config.busUrl).toBe(`nats://relay:${NATS_PASSWORD}@nats:4222`);
      expect(config.credentialsKey).toBe(CREDENTIALS_KEY);
      expect(config.busSecret).toBe(BUS_SECRET);
    }
    expect(healthPort('rule-manager')).toBe(loadConfig(envOf('rule-manager')).httpPort);
    expect(healthPort('presence-ingest')).toBe(loadConfig(envOf('presence-ingest')).metricsPort);
    expect(healthPort('rocketmq-dispatch')).toBe(loadConfig(envOf('rocketmq-dispatch')).metricsPort! + 1);
  });

  it('runs NATS with its config, which lets in only the user the apps log in as, with the password they hold', () => {
    const nats = compose.services['nats']!;
    expect(nats.command!.slice(0, 2)).toEqual(['-c', '/etc/nats/nats.conf']);
    expect(nats.volumes).toContain('./deploy/nats:/etc/nats:ro');
    expect(nats.environment).toEqual({ NATS_PASSWORD: `"${NATS_PASSWORD}"` });
    const conf = readFileSync(resolve(ROOT, 'deploy/nats/nats.conf'), 'utf8');
    expect(conf).toMatch(/authorization \{\s*user: relay\s*password: \$NATS_PASSWORD\s*\}/);
  });

  it('adds Prometheus with the alert rules and Grafana with the dashboard in the monitoring profile', () => {
    for (const name of ['prometheus', 'grafana'])
      expect(compose.services[name]!.profiles).toEqual(['monitoring']);
    expect(compose.services['prometheus']!.volumes).toContain('./deploy/prometheus:/etc/prometheus:ro');
    expect(compose.services['grafana']!.volumes).toEqual(
      expect.arrayContaining([
        './deploy/grafana/provisioning:/etc/grafana/provisioning:ro',
        './deploy/grafana:/var/lib/grafana/dashboards:ro',
      ]),
    );
  });

  // Debian's docker-compose 1.29 (package docker-compose, which .ci/run installs) validates without an engine; a
  // missing one fails here with ENOENT.
  it('is valid for docker-compose config, with every profile, and refuses to run without each secret', () => {
    const env = { ...process.env, ...REQUIRED };
    const config = (args: string[], environment: NodeJS.ProcessEnv) =>
      spawnSync('docker-compose', ['--profile', 'monitoring', ...args], {
        cwd: ROOT,
        env: environment,
        encoding: 'utf8',
      });
    expect(execFileSync('docker-compose', ['version', '--short'], { encoding: 'utf8' })).toMatch(/^1\.29\./);
    expect(config(['config', '-q'], env)).toMatchObject({ status: 0, stderr: '' });
    expect(config(['config', '--services'], env).stdout.split('\n').filter(Boolean).sort()).toEqual(
      Object.keys(compose.services).sort(),
    );
    for (const [name, hint] of [
      ['CREDENTIALS_KEY', 'set CREDENTIALS_KEY to 32 random bytes in base64'],
      ['BUS_SECRET', 'set BUS_SECRET to 32 random bytes in base64'],
      ['NATS_PASSWORD', 'set NATS_PASSWORD (openssl rand -hex 24)'],
    ]) {
      const refused = config(['config', '-q'], { ...env, [name]: undefined });
      expect(refused.status).not.toBe(0);
      expect(refused.stderr).toContain(hint);
    }
  });
});

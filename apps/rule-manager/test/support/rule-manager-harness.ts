import { mkdtempSync } from 'node:fs';
import pg from 'pg';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { openEventStore, type EventStore } from '#libs/event-store';
import { busCaller, busSecret, busServerOptions, EXPIRING_STREAM_PREFIXES, loadConfig } from '#libs/platform';
import { hardenHttp } from '../../src/http/http-hardening.js';
import { setupOpenApi } from '../../src/http/openapi.js';
import { RuleManagerModule } from '../../src/rule-manager.module.js';

/** Nothing listens there: rules targeting it are accepted with a "topic not checked" warning, at once. */
export const UNREACHABLE_ROCKETMQ = '127.0.0.1:9';

export const ADMIN_SECRET = 'admin-secret-for-tests-0001';
export const VIEWER_SECRET = 'viewer-secret-for-tests-0001';
const TEST_TOKENS = `ops:admin:${ADMIN_SECRET},dashboard:viewer:${VIEWER_SECRET}`;

export interface ApiResponse {
  status: number;
  type: string | null;
  etag: string | null;
  location: string | null;
  body: Record<string, any>;
}

/** rule-manager in this process over HTTP, on a real event store (a fresh SQLite file unless a URL is given). */
export async function startRuleManager(env: Record<string, string> = {}, { bus = false } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'rule-manager-'));
  const config = loadConfig({
    DATA_DIR: dataDir,
    INSTANCE_ID: 'mqtt-api',
    REGION: 'local',
    API_TOKENS: TEST_TOKENS,
    ...env,
  });
  const store: EventStore = await openEventStore(config.eventStoreUrl, {
    expiringStreamPrefixes: EXPIRING_STREAM_PREFIXES,
  });
  const app = await NestFactory.create<NestExpressApplication>(
    RuleManagerModule.create(config, store, config.apiTokens),
    {
      logger: false,
      abortOnError: false,
    },
  );
  hardenHttp(app);
  setupOpenApi(app);
  if (bus) {
    app.connectMicroservice(busServerOptions(config, 'rule-manager'));
    await app.startAllMicroservices();
  }
  await app.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;

  async function call(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse> {
    const response = await fetch(base + path, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_SECRET}`, ...headers },
      ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      etag: response.headers.get('etag'),
      location: response.headers.get('location'),
      body: text ? (JSON.parse(text) as Record<string, any>) : {},
    };
  }

  return {
    app,
    base,
    store,
    call,
    /** A bus caller holding this rule-manager's secret (generated in its DATA_DIR unless BUS_SECRET is given). */
    busCaller: (name: string) => busCaller(busSecret(config), name),
    async stop() {
      await app.close();
      await store.close();
    },
  };
}

export const ruleBody = (ruleId: string, groupId = 'GID_api', extra: Record<string, unknown> = {}) => ({
  ruleId,
  status: 'ENABLED',
  ruleType: 'CLIENT_STATUS_NOTIFY',
  source: { groupId },
  target: { serviceType: 'ROCKETMQ', instanceId: 'rmq-api', topic: 'status-topic' },
  ...extra,
});

const PG_URL = process.env['PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A fresh store location per adapter: a SQLite file, or a PostgreSQL schema dropped by `cleanup`. */
export const STORE_LOCATIONS: Record<string, () => { url: string; cleanup: () => Promise<void> }> = {
  sqlite: () => ({
    url: `sqlite:${join(mkdtempSync(join(tmpdir(), 'store-')), 'events.db')}`,
    cleanup: async () => {},
  }),
  postgres: () => {
    const schema = `test_${process.pid}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6)}`;
    return {
      url: `${PG_URL}?schema=${schema}`,
      cleanup: async () => {
        const client = new pg.Client(PG_URL);
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await client.end();
      },
    };
  },
};

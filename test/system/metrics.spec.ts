import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { MqttClient } from 'mqtt';
import { isolatedEnv, startApp, type RunningApp } from '../support/app-processes.js';
import { Scrape } from '../support/prometheus.js';
import { apiOf, eventually, mqttConnector } from '../support/system-clients.js';

/** Each app's /metrics, scraped as Prometheus would, after a real MQTT client came and went. */
let env: Record<string, string>;
let apps: RunningApp[] = [];
const clients: MqttClient[] = [];

const api = (...args: Parameters<ReturnType<typeof apiOf>>) => apiOf(env)(...args);
const connect = (clientId: string) => mqttConnector(env, clients)(clientId);
const presenceMetrics = () => `http://127.0.0.1:${env['METRICS_PORT']}/metrics`;
const dispatchMetrics = () => `http://127.0.0.1:${Number(env['METRICS_PORT']) + 1}/metrics`;
const ruleManagerMetrics = () => `http://127.0.0.1:${env['HTTP_PORT']}/metrics`;

beforeAll(async () => {
  env = await isolatedEnv();
  apps = await Promise.all([
    startApp('rule-manager', env),
    startApp('presence-ingest', env),
    startApp('rocketmq-dispatch', env),
  ]);
  expect((await api('POST', '/api/v1/groups', { groupId: 'GID_metrics' })).status).toBe(201);
}, 60_000);

afterAll(async () => {
  for (const client of clients) client.end(true);
  await Promise.all(apps.map((app) => app.stop()));
});

describe('metrics', () => {
  it('names the metrics address in the start-up lines of presence-ingest and rocketmq-dispatch', () => {
    expect(apps[1]!.output()).toContain(`metrics http://localhost:${env['METRICS_PORT']}/metrics`);
    expect(apps[2]!.output()).toContain(
      `metrics http://localhost:${Number(env['METRICS_PORT']) + 1}/metrics`,
    );
  });

  it('counts presence-ingest connections and the presence events it stored', async () => {
    const client = await connect('GID_metrics@@@one');
    await expect(connect('GID_unknown@@@two')).rejects.toThrow(/Identifier rejected/i);
    const online = await Scrape.of(presenceMetrics());
    expect(online.value('msr_presence_clients_connected')).toBe(1);
    await client.endAsync();

    const scrape = await eventually(
      () => Scrape.of(presenceMetrics()),
      (s) => s.value('msr_presence_events_stored_total', { type: 'ClientConnectionClosed' }) === 1,
    );
    expect(scrape.value('msr_presence_connections_accepted_total')).toBe(1);
    expect(scrape.value('msr_presence_connections_refused_total', { reason: 'identifier_rejected' })).toBe(1);
    expect(scrape.value('msr_presence_clients_connected')).toBe(0);
    const stored = Object.fromEntries(
      scrape.matching('msr_presence_events_stored_total').map((s) => [s.labels['type'], s.value]),
    );
    expect(stored).toEqual({
      ClientConnected: 1,
      ClientDisconnected: 1,
      ClientConnectionClosed: 1,
    });
    // Every stored event went through a timed group-commit append.
    // A refusal of an unregistered group is counted, never stored.
    expect(scrape.value('msr_presence_store_batch_size_sum')).toBe(3);
    expect(scrape.value('msr_presence_store_append_seconds_count')).toBe(
      scrape.value('msr_presence_store_batch_size_count'),
    );
    expect(scrape.value('msr_presence_events_queued')).toBe(0);
    expect(scrape.value('msr_process_cpu_user_seconds_total')).toBeGreaterThan(0);
  });

  it('shows rocketmq-dispatch caught up with the store when no rule forwards anything', async () => {
    const scrape = await eventually(
      () => Scrape.of(dispatchMetrics()),
      (s) => s.value('msr_dispatch_lag_events') === 0,
    );
    expect(scrape.value('msr_dispatch_lag_events')).toBe(0);
    expect(scrape.value('msr_dispatch_lag_seconds')).toBe(0);
    expect(scrape.value('msr_dispatch_notifications_pending')).toBe(0);
    expect(scrape.value('msr_dispatch_sends_in_flight')).toBe(0);
    expect(scrape.matching('msr_dispatch_notifications_forwarded_total')).toEqual([]);
    expect(scrape.value('msr_nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    expect((await fetch(dispatchMetrics().replace('/metrics', '/health'))).status).toBe(200);
  });

  it('times rule-manager requests by route pattern and status, without IDs in the labels', async () => {
    expect((await api('GET', '/api/v1/groups/GID_metrics')).status).toBe(200);
    expect((await api('GET', '/api/v1/groups/GID_metrics')).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${env['HTTP_PORT']}/api/v1/groups/GID_metrics`)).status).toBe(401);

    const response = await fetch(ruleManagerMetrics()); // public, like /health
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const scrape = Scrape.parse(await response.text());
    const count = (method: string, route: string, status: string) =>
      scrape.value('msr_http_request_duration_seconds_count', { method, route, status });
    expect(count('GET', '/api/v1/groups/:groupId', '200')).toBe(2);
    expect(count('GET', '/api/v1/groups/:groupId', '401')).toBe(1);
    expect(count('POST', '/api/v1/groups', '201')).toBe(1);
    const routes = scrape.matching('msr_http_request_duration_seconds_count').map((s) => s.labels['route']);
    expect(routes.filter((route) => route!.includes('GID_metrics'))).toEqual([]);
    expect(scrape.value('msr_process_resident_memory_bytes')).toBeGreaterThan(0);
  });
});

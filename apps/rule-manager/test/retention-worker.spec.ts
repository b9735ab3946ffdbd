import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { newEventId, type EventStore, type StreamAppend } from '#libs/event-store';
import { AppMetrics, loadConfig } from '#libs/platform';
import { clientStream } from '#libs/presence';
import { controlPlaneStream } from '#libs/rules';
import { MQTT_INSTANCE, seedRules } from '../../../test/support/delivery.js';
import { RetentionMetrics } from '../src/retention/retention.metrics.js';
import { RetentionWorker } from '../src/retention/retention.worker.js';
import { startRuleManager, STORE_LOCATIONS } from './support/rule-manager-harness.js';

/**
 * The retention worker on a real SQLite file and on PostgreSQL: presence events older than EVENT_RETENTION go once
 * every reader is past them, young and control-plane events stay, versions continue, the read models still answer
 * as before, and replay, trace and rebuild say that older events were removed.
 */
const ROOT = resolve(import.meta.dirname, '../../..');
const HOUR = 3_600_000;
const CLIENTS = ['GID_kept@@@dev-0', 'GID_kept@@@dev-1', 'GID_kept@@@dev-2'];
const NOW = Date.now();
/** Per client: connect and disconnect two hours ago (past a 1 h retention), then both again a minute ago. */
const TIMES = [NOW - 2 * HOUR, NOW - 2 * HOUR + 1_000, NOW - 60_000, NOW - 59_000];

/** The client's n-th presence event, on its own channel per connection, as presence-ingest stores it. */
const presenceEvent = (c: number, n: number, time: number) => {
  const clientId = CLIENTS[c]!;
  const channelId = `${c}${n >> 1}`.padStart(32, '0');
  const type = n % 2 === 0 ? 'ClientConnected' : 'ClientDisconnected';
  const data = { clientId, channelId, clientIp: '127.0.0.1:1', time, reason: 'test' };
  return { eventId: newEventId(), type, data, metadata: { actor: 'presence-ingest', occurredAt: time } };
};

async function writeHistory(store: EventStore): Promise<void> {
  for (const [n, time] of TIMES.entries()) {
    const appends: StreamAppend[] = CLIENTS.map((clientId, c) => ({
      stream: clientStream(clientId),
      expectedVersion: n,
      events: [presenceEvent(c, n, time)],
    }));
    await store.appendMany(appends);
  }
}

async function projectionsCaughtUp(store: EventStore): Promise<void> {
  const head = await store.headPosition();
  for (let tries = 0; tries < 100; tries++) {
    const at = await Promise.all(
      ['presence.client-status', 'delivery.stats'].map((n) => store.loadCheckpoint(n)),
    );
    if (at.every((position) => position >= head)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const at = await Promise.all(
    ['presence.client-status', 'delivery.stats'].map((n) => store.loadCheckpoint(n)),
  );
  throw new Error(`the projections did not catch up to ${head}: ${at.join(', ')}`);
}

function retentionWorker(store: EventStore) {
  const metrics = new AppMetrics();
  const config = loadConfig({ EVENT_RETENTION: '1h' });
  const schedule = { intervalMs: 60_000, batchSize: 2, pauseMs: 1, leaseTtlMs: 10_000 };
  const worker = new RetentionWorker(
    store,
    config,
    'test',
    new RetentionMetrics(metrics, store),
    undefined,
    schedule,
  );
  return { worker, metrics };
}

describe.each(Object.keys(STORE_LOCATIONS))('retention on %s', (kind) => {
  it('removes old presence events once read, and every answer stays right', async () => {
    const { url, cleanup } = STORE_LOCATIONS[kind]!();
    const env = { EVENT_STORE_URL: url, INSTANCE_ID: MQTT_INSTANCE, EVENT_RETENTION: 'off' };
    const api = await startRuleManager(env);
    try {
      await seedRules(api.store, [{ ruleId: 'rule-1', groupId: 'GID_kept', topic: 'status' }]);
      const controlPlane = await api.store.readStream(controlPlaneStream(MQTT_INSTANCE));
      await writeHistory(api.store);
      await projectionsCaughtUp(api.store);
      const reads = [...CLIENTS.map((id) => `/api/v1/clients/${id}/status`), '/api/v1/rules/rule-1/counters'];
      const answers = () => Promise.all(reads.map(async (path) => (await api.call('GET', path)).body));
      const before = await answers();
      const { worker, metrics } = retentionWorker(api.store);

      // Dispatch has forwarded only each client's first event: retention stops there.
      const firstRound = (await api.store.readStream(clientStream(CLIENTS[2]!)))[0]!.position;
      await api.store.saveCheckpoint('rocketmq-dispatch', firstRound);
      const held = await worker.run();
      expect(held?.removed).toBe(3);
      expect(held?.decision.heldBackBy).toEqual({ reader: 'rocketmq-dispatch/p0of16', position: firstRound });

      await api.store.saveCheckpoint('rocketmq-dispatch', await api.store.headPosition());
      expect((await worker.run())?.removed).toBe(3);
      expect((await worker.run())?.removed).toBe(0);
      for (const clientId of CLIENTS)
        expect((await api.store.readStream(clientStream(clientId))).map((e) => e.version)).toEqual([3, 4]);
      expect(await api.store.readStream(controlPlaneStream(MQTT_INSTANCE))).toEqual(controlPlane);
      expect(await answers()).toEqual(before);
      expect(await metrics.text()).toContain('msr_retention_removed_events_total 6');
      // The oldest kept event is a minute older than NOW; the test has run for a while since (a busy machine).
      const age = Number(/^msr_retention_oldest_event_age_seconds (\S+)$/m.exec(await metrics.text())?.[1]);
      expect(age).toBeGreaterThanOrEqual(59);
      expect(age).toBeLessThanOrEqual(60 + (Date.now() - NOW) / 1000);
      const served = await (await fetch(`${api.base}/metrics`)).text();
      for (const name of ['removed_events_total', 'oldest_event_age_seconds', 'last_run_timestamp_seconds'])
        expect(served).toContain(`# TYPE msr_retention_${name}`);

      // The client's sequence continues where it was: its next event is its fifth.
      expect(
        (await api.store.append(clientStream(CLIENTS[0]!), [presenceEvent(0, 4, Date.now())], 4)).version,
      ).toBe(5);
      await expectPastRetentionAnswers(api);
    } finally {
      await api.stop();
    }
    try {
      const rebuilt = spawnSync(
        process.execPath,
        [join(ROOT, 'dist/apps/rule-manager/src/rebuild-projections.js')],
        {
          cwd: ROOT,
          env: { ...process.env, ...env },
          encoding: 'utf8',
          timeout: 60_000,
        },
      );
      expect(rebuilt.status).toBe(1);
      expect(rebuilt.stdout).toMatch(/control plane read model of mqtt-test rebuilt from \d+ events/);
      expect(rebuilt.stderr).toContain('were NOT: retention (EVENT_RETENTION) removed');
      expect(rebuilt.stderr).toContain('restore a backup');
    } finally {
      await cleanup();
    }
  }, 90_000);
});

async function expectPastRetentionAnswers(api: Awaited<ReturnType<typeof startRuleManager>>) {
  const oldest = new Date(TIMES[2]!).toISOString();
  const trace = await api.call('GET', `/api/v1/clients/${CLIENTS[0]}/trace`);
  expect(trace.body).toMatchObject({ total: 3, retainedSince: oldest });
  const recent = await api.call('GET', `/api/v1/clients/${CLIENTS[0]}/trace?from=${oldest}`);
  expect(recent.body).not.toHaveProperty('retainedSince');

  const from = new Date(NOW - 3 * HOUR).toISOString();
  const replay = await api.call('POST', '/api/v1/rules/rule-1/replay', {
    from,
    to: new Date(NOW).toISOString(),
  });
  expect(replay.status).toBe(422);
  expect(replay.body).toMatchObject({
    code: 'RANGE_PAST_RETENTION',
    retainedSince: oldest,
    errors: [{ field: 'from', rule: 'retained' }],
  });
  const kept = await api.call('POST', '/api/v1/rules/rule-1/replay', {
    from: oldest,
    to: new Date(NOW).toISOString(),
  });
  expect(kept.status).toBe(202);
}

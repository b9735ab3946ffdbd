import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newEventId, openEventStore, type EventStore } from '#libs/event-store';
import type { Notification } from '#libs/notifications';
import { AppMetrics } from '#libs/platform';
import { Scrape } from '../../../test/support/prometheus.js';
import { DispatchMetrics } from '../src/metrics/dispatch-metrics.js';

/** The lags as a scrape shows them, computed from what the pipeline reports and a real SQLite store's head. */
let store: EventStore;

beforeAll(async () => {
  store = await openEventStore(
    `sqlite:${join(mkdtempSync(join(tmpdir(), 'dispatch-metrics-')), 'events.db')}`,
  );
  const events = [1, 2, 3].map((n) => ({
    eventId: newEventId(),
    type: 'Happened',
    data: { n },
    metadata: { actor: 'test', occurredAt: n },
  }));
  await store.append('test-1', events, 'any');
});

afterAll(() => store.close());

function notification(ruleId: string, eventTime: number): Notification {
  return {
    notificationId: `${ruleId}:${newEventId()}`,
    ruleId,
    ruleVersion: 1,
    target: { instanceId: 'rmq', topic: 'status' },
    eventId: newEventId(),
    seq: 1,
    eventType: 'connect',
    event: {
      clientId: 'GID_a@@@one',
      channelId: 'c',
      clientIp: '127.0.0.1:1',
      time: eventTime,
      reason: 'accepted',
    },
  };
}

describe('dispatch metrics', () => {
  it('shows the age of the oldest unsettled notification and the positions after the checkpoint', async () => {
    const app = new AppMetrics();
    const metrics = new DispatchMetrics(app, store);
    const older = notification('rule-a', Date.now() - 30_000);
    const newer = notification('rule-b', Date.now() - 5_000);
    metrics.queued([older, newer]);
    metrics.followCheckpoint(() => 1);

    const behind = Scrape.parse(await app.text());
    expect(behind.value('msr_dispatch_lag_seconds')).toBeGreaterThanOrEqual(30);
    expect(behind.value('msr_dispatch_lag_seconds')).toBeLessThan(40);
    expect(behind.value('msr_dispatch_notifications_pending')).toBe(2);
    expect(behind.value('msr_dispatch_lag_events')).toBe(2);

    metrics.settled(older);
    const oneLeft = Scrape.parse(await app.text());
    expect(oneLeft.value('msr_dispatch_lag_seconds')).toBeLessThan(10);

    metrics.settled(newer);
    metrics.followCheckpoint(() => 3);
    const caughtUp = Scrape.parse(await app.text());
    expect(caughtUp.value('msr_dispatch_lag_seconds')).toBe(0);
    expect(caughtUp.value('msr_dispatch_lag_events')).toBe(0);
  });

  it('forgets what a stopped run left unsettled: the next run reads it again and counts it then', async () => {
    const app = new AppMetrics();
    const metrics = new DispatchMetrics(app, store);
    metrics.queued([notification('rule-a', Date.now() - 60_000)]);
    metrics.runStopped();
    metrics.queued([notification('rule-a', Date.now() - 1_000)]);
    const restarted = Scrape.parse(await app.text());
    expect(restarted.value('msr_dispatch_notifications_pending')).toBe(1);
    expect(restarted.value('msr_dispatch_lag_seconds')).toBeLessThan(10);
  });

  it('takes a replayed notification of an old event as late from when it was read, not from its event', async () => {
    const app = new AppMetrics();
    const metrics = new DispatchMetrics(app, store);
    const replayed = {
      ...notification('rule-a', Date.now() - 86_400_000),
      resend: { kind: 'replay' as const, id: 'r1' },
    };
    metrics.queued([replayed]);
    expect(Scrape.parse(await app.text()).value('msr_dispatch_lag_seconds')).toBeLessThan(5);
    metrics.forwarded(replayed, 86_400_000);
    const scrape = Scrape.parse(await app.text());
    expect(scrape.value('msr_dispatch_notifications_forwarded_total', { rule_id: 'rule-a' })).toBe(1);
    expect(
      scrape.value('msr_dispatch_delivery_latency_seconds_count', { rule_id: 'rule-a' }),
    ).toBeUndefined();
  });

  it('counts outcomes and times sends per rule, the sends under way as in flight', async () => {
    const app = new AppMetrics();
    const metrics = new DispatchMetrics(app, store);
    const sent = notification('rule-a', Date.now() - 250);
    let finish!: (id: string) => void;
    const sending = metrics.timeSend([sent], () => new Promise<string>((resolve) => (finish = resolve)));
    expect(Scrape.parse(await app.text()).value('msr_dispatch_sends_in_flight')).toBe(1);
    finish('msg-1');
    await expect(sending).resolves.toBe('msg-1');
    metrics.forwarded(sent, 250);
    metrics.failed(notification('rule-b', 0), 'transient');
    metrics.deadLettered(notification('rule-b', 0));

    const scrape = Scrape.parse(await app.text());
    expect(scrape.value('msr_dispatch_sends_in_flight')).toBe(0);
    expect(scrape.value('msr_dispatch_send_duration_seconds_count', { rule_id: 'rule-a' })).toBe(1);
    expect(scrape.value('msr_dispatch_notifications_forwarded_total', { rule_id: 'rule-a' })).toBe(1);
    expect(scrape.value('msr_dispatch_delivery_latency_seconds_sum', { rule_id: 'rule-a' })).toBe(0.25);
    expect(
      scrape.value('msr_dispatch_delivery_latency_seconds_bucket', { rule_id: 'rule-a', le: '0.25' }),
    ).toBe(1);
    expect(
      scrape.value('msr_dispatch_notifications_failed_total', { rule_id: 'rule-b', failure: 'transient' }),
    ).toBe(1);
    expect(scrape.value('msr_dispatch_notifications_dead_lettered_total', { rule_id: 'rule-b' })).toBe(1);
  });
});

import { afterAll, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { openEventStore, type EventStore } from '#libs/event-store';
import type { NotificationRef } from '#libs/notifications';
import { isolatedEnv, startApp, type RunningApp } from '../support/app-processes.js';
import {
  collectMessages,
  createConsumerGroup,
  createTopic,
  type ReceivedMessage,
} from '../support/rocketmq.js';
import {
  allEvents,
  clientStatusReadModel,
  connectRaw,
  connectStorm,
  dropSchemas,
  runStoreCli,
} from '../support/store-backup.js';
import { apiOf, eventually } from '../support/system-clients.js';

/**
 * Issue 14 item 3: `npm run backup` while a connect storm runs, `npm run restore` with the apps stopped. The
 * restored store holds every event acknowledged before the backup, its read models agree with its events, and
 * dispatch on it never forwards again what the backup records as forwarded.
 */
const CLIENTS = 900;
const GROUP = 'GID_backup';
const PG_URL = process.env['PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const SCHEMA = `backup_sys_${Date.now().toString(36)}`;

const stores = {
  sqlite: (dataDir: string) => `sqlite:${join(dataDir, 'events.db')}`,
  postgres: () => `${PG_URL}?schema=${SCHEMA}`,
};

afterAll(() => dropSchemas(PG_URL, SCHEMA));

describe.each(Object.keys(stores) as (keyof typeof stores)[])('backup and restore on %s', (adapter) => {
  const topic = `backup-${adapter}-${Date.now()}`;
  const consumerGroup = `backup-consumer-${adapter}-${Date.now()}`;
  const ids = Array.from({ length: CLIENTS }, (_, i) => `${GROUP}@@@dev-${i}`);
  let env: Record<string, string>;
  let apps: RunningApp[] = [];
  const ackedBeforeBackup = new Set<string>();
  let backupHead = 0;
  let restored: EventStore;

  const stopApps = async () => {
    await Promise.all(apps.map((app) => app.stop()));
    apps = [];
  };
  afterAll(async () => {
    await stopApps();
    await restored?.close();
  });

  it('backs up the live store during a connect storm', async () => {
    await createTopic(topic, { fifo: true });
    await createConsumerGroup(consumerGroup);
    env = await isolatedEnv();
    env['EVENT_STORE_URL'] = stores[adapter](env['DATA_DIR']!);
    apps.push(await startApp('rule-manager', env));
    apps.push(...(await Promise.all([startApp('presence-ingest', env), startApp('rocketmq-dispatch', env)])));
    const api = apiOf(env);
    const endpoints = process.env['ROCKETMQ_ENDPOINT']!;
    await api('POST', '/api/v1/rocketmq-instances', { instanceId: 'rmq-local', region: 'local', endpoints });
    await api('POST', '/api/v1/groups', { groupId: GROUP });
    const rule = await api('POST', '/api/v1/rules', {
      ruleId: 'backed-up',
      status: 'ENABLED',
      ruleType: 'CLIENT_STATUS_NOTIFY',
      source: { groupId: GROUP },
      target: { serviceType: 'ROCKETMQ', instanceId: 'rmq-local', topic },
    });
    expect(rule.status).toBe(201);

    const acked = new Set<string>();
    const storm = connectStorm(Number(env['MQTT_PORT']), ids, acked);
    await eventually(
      async () => acked.size,
      (size) => size >= CLIENTS / 3,
      60_000,
    );
    // Each stored within milliseconds of its CONNACK (README: p99 20 ms), well before the CLI starts its copy.
    for (const id of acked) ackedBeforeBackup.add(id);
    const backup = await runStoreCli('backup', [join(env['DATA_DIR']!, 'storm.backup')], env);
    await storm;
    expect({ code: backup.code, output: backup.output }).toEqual({
      code: 0,
      output: expect.stringMatching(/the backup holds the store up to position \d+: \d+ events/),
    });
    backupHead = Number(/up to position (\d+)/.exec(backup.output)![1]);
    // The storm went on past the backup: what it stored after is not in the backup.
    expect(acked.size).toBe(CLIENTS);
    expect(ackedBeforeBackup.size).toBeLessThan(CLIENTS);
  }, 180_000);

  it('restores the backup once the apps are stopped, keeping the store it replaces', async () => {
    await stopApps();
    const live = await openEventStore(env['EVENT_STORE_URL']!);
    const liveHead = await live.headPosition();
    await live.close();
    expect(liveHead).toBeGreaterThan(backupHead);
    const restore = await runStoreCli('restore', [join(env['DATA_DIR']!, 'storm.backup')], env);
    expect(restore).toEqual({
      code: 0,
      output: expect.stringContaining(`the store now holds up to position ${backupHead}`),
    });
    const aside = /the store in place before is kept as (?:schema )?(\S+)/.exec(restore.output)![1];
    const before = await openEventStore(adapter === 'sqlite' ? aside : `${PG_URL}?schema=${aside}`);
    restored = await openEventStore(env['EVENT_STORE_URL']!);
    try {
      expect(await before.headPosition()).toBe(liveHead);
      // A consistent copy: exactly the events of the live store up to the backup point, nothing torn.
      const eventIds = async (store: EventStore) =>
        (await allEvents(store, undefined, backupHead)).map((event) => event.eventId);
      expect(await eventIds(restored)).toEqual(await eventIds(before));
    } finally {
      await before.close();
    }
    expect(await restored.headPosition()).toBe(backupHead);
  }, 60_000);

  it('holds every connect acknowledged before the backup, and read models that agree with its events', async () => {
    const connected = new Set(
      (await allEvents(restored, { streamPrefixes: ['client-'], types: ['ClientConnected'] })).map(
        (event) => (event.data as { clientId: string }).clientId,
      ),
    );
    expect([...ackedBeforeBackup].filter((id) => !connected.has(id))).toEqual([]);
    const model = await clientStatusReadModel(restored);
    expect(model.checkpoint).toBeGreaterThan(0);
    expect(model.stored).toEqual(model.expected);
    expect(model.online).toEqual(model.expectedOnline);
  }, 60_000);

  it('forwards on the restored store nothing the backup records as forwarded', async () => {
    const outcomes = async () =>
      (await allEvents(restored, { streamPrefixes: ['delivery-'], types: ['NotificationForwarded'] })).map(
        (event) => (event.data as NotificationRef).notificationId,
      );
    const forwardedInBackup = new Set(await outcomes());
    expect(forwardedInBackup.size).toBeGreaterThan(0);
    const presence = await allEvents(restored, { streamPrefixes: [`client-${GROUP}`] });
    apps.push(await startApp('rule-manager', env));
    apps.push(await startApp('rocketmq-dispatch', env));
    const forwarded = await eventually(outcomes, (all) => all.length >= presence.length, 60_000);
    // One notification per presence event of the rule's group, each forwarded exactly once.
    expect(forwarded).toHaveLength(presence.length);
    expect(new Set(forwarded).size).toBe(presence.length);

    // The topic also holds what the first dispatch forwarded after the backup point: wait for every
    // notification of the restored store, then for any copy still on its way.
    const keyOf = (message: ReceivedMessage) => message.keys[1]!;
    const messages = await collectMessages(topic, {
      consumerGroup,
      expected: presence.length,
      until: (received) => {
        const keys = new Set(received.map(keyOf));
        return forwarded.every((id) => keys.has(id));
      },
      timeoutMs: 90_000,
    });
    messages.push(...(await collectMessages(topic, { consumerGroup, expected: Infinity, timeoutMs: 5_000 })));
    const copies = new Map<string, number>();
    for (const message of messages) copies.set(keyOf(message), (copies.get(keyOf(message)) ?? 0) + 1);
    const resentFromBackup = [...forwardedInBackup].filter((id) => copies.get(id) !== 1);
    expect(resentFromBackup).toEqual([]);
  }, 180_000);

  it('continues the sequence of a client from the backup', async () => {
    apps.push(await startApp('presence-ingest', env));
    const id = [...ackedBeforeBackup][0]!;
    const version = (await restored.readStream(`client-${id}`)).length;
    const socket = await connectRaw(Number(env['MQTT_PORT']), id);
    const stream = await eventually(
      () => restored.readStream(`client-${id}`),
      (events) => events.length > version,
    );
    socket.destroy();
    expect(stream.at(-1)).toMatchObject({ type: 'ClientConnected', version: version + 1 });
  }, 60_000);
});

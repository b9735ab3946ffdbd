import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openEventArchive } from '#libs/event-archive';
import { openEventStore, type EventStore, type RecordedEvent } from '#libs/event-store';
import { statusEventType, type PresenceEventData, type PresenceEventType } from '#libs/presence';
import { isolatedEnv } from '../support/app-processes.js';
import { MQTT_INSTANCE, seedRules, writePresence } from '../support/delivery.js';
import { collectMessages, createConsumerGroup, createTopics } from '../support/rocketmq.js';

/**
 * `npm run archive:replay` as an operator runs it (the built script, a process) against the real RocketMQ:
 * presence events archived as retention archives them, the rule in the store, the messages read back.
 */
const TOPIC = `archive-replay-${Date.now()}`;
const GROUP = `${TOPIC}-consumer`;
const ROOT = resolve(import.meta.dirname, '../..');

let env: Record<string, string>;
let store: EventStore;
let archived: RecordedEvent[];
let archiveDir: string;

function archiveReplay(...args: string[]) {
  return spawnSync(process.execPath, ['dist/apps/rule-manager/src/archive-replay.js', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env, ARCHIVE_DIR: archiveDir },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

const iso = (time: number) => new Date(time).toISOString();

beforeAll(async () => {
  await createTopics([{ name: TOPIC, fifo: true }]);
  await createConsumerGroup(GROUP, { fifo: true });
  env = await isolatedEnv();
  archiveDir = `${env['DATA_DIR']}/archive`;
  store = await openEventStore(`sqlite:${env['DATA_DIR']}/events.db`);
  await seedRules(store, [{ ruleId: 'rule-archive', groupId: 'GID_archive', topic: TOPIC }]);
  await writePresence(store, { groupId: 'GID_archive', clients: 3, perClient: 3, perSecond: 1000 });
  archived = await store.readAll(0, { filter: { streamPrefixes: ['client-'] } });
  const archive = await openEventArchive(archiveDir);
  await archive.write(archived);
  await archive.close();
}, 90_000);

afterAll(async () => {
  await store?.close();
});

describe('npm run archive:replay', () => {
  it('sends the archived range to the rule’s topic with the bodies, tags, keys and properties of SPEC §5', async () => {
    const times = archived.map((event) => (event.data as unknown as PresenceEventData).time);
    const run = archiveReplay(
      '--from',
      iso(Math.min(...times)),
      '--to',
      iso(Math.max(...times)),
      '--rule',
      'rule-archive',
    );
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('read 9 archived presence events, routed 9 notifications, sent 9, failed 0');
    expect(run.status).toBe(0);
    const replayId = /replay ([0-9a-f-]{36})/.exec(run.stdout)![1]!;
    const received = await collectMessages(TOPIC, { consumerGroup: GROUP, expected: 9, timeoutMs: 30_000 });
    const byEventId = new Map(received.map((message) => [message.properties['eventId'], message]));
    expect(byEventId.size).toBe(9);
    for (const event of archived) {
      const data = event.data as unknown as PresenceEventData;
      const eventType = statusEventType(event.type as PresenceEventType);
      const message = byEventId.get(event.eventId)!;
      expect(message.body).toBe(
        `{"clientId":"${data.clientId}","time":${data.time},"eventType":"${eventType}",` +
          `"channelId":"${data.channelId}","clientIp":"${data.clientIp}"}`,
      );
      expect(message).toMatchObject({
        tag: eventType,
        keys: [data.clientId, `rule-archive:${event.eventId}`],
        messageGroup: data.clientId,
        properties: {
          seq: String(event.version),
          reason: data.reason,
          ruleId: 'rule-archive',
          eventId: event.eventId,
          instanceId: MQTT_INSTANCE,
          replay: replayId,
        },
      });
    }
  }, 90_000);

  it('counts without sending on a dry run, and names the option and rule it refuses', () => {
    const range = ['--from', iso(Date.now() - 3_600_000), '--to', iso(Date.now())];
    const dry = archiveReplay(...range, '--dry-run');
    expect(dry.stdout).toContain('routed 9 notifications, sent 0, failed 0 (dry run: nothing sent)');
    expect(dry.stdout).toContain(`archive:replay: 9 notifications for rmq-local/${TOPIC}`);
    const unknownRule = archiveReplay(...range, '--rule', 'no-such-rule');
    expect(unknownRule.status).toBe(2);
    expect(unknownRule.stderr).toContain(
      'archive:replay: --rule "no-such-rule" is not a rule of MQTT instance mqtt-test (rule: exists)',
    );
    const badTime = archiveReplay('--from', 'last tuesday', '--to', iso(Date.now()));
    expect(badTime.stderr).toContain('archive:replay: --from "last tuesday" must be an ISO 8601 time');
  }, 60_000);
});

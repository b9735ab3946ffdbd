import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { newEventId, openEventStore, type EventStore, type StreamAppend } from '#libs/event-store';
import { clientStream } from '#libs/presence';
import { MQTT_INSTANCE, seedRules } from '../../../test/support/delivery.js';
import { selectForReplay } from '../src/replay/replay-scan.js';

/** The replay's selection on a real store: 10,000 events one minute apart, a range in the middle. */
const MINUTE = 60_000;
const CLIENTS = 1_000;
const PER_CLIENT = 10;
let store: EventStore;
let eventsRead = 0;

beforeAll(async () => {
  store = await openEventStore(`sqlite:${join(mkdtempSync(join(tmpdir(), 'replay-scan-')), 'events.db')}`);
  await seedRules(store, [{ ruleId: 'rule-1', groupId: 'GID_scan', topic: 'status' }]);
  const appends: StreamAppend[] = [];
  for (let n = 0; n < PER_CLIENT; n++)
    for (let c = 0; c < CLIENTS; c++) {
      const clientId = `GID_scan@@@dev-${c}`;
      const time = (n * CLIENTS + c) * MINUTE; // the i-th event happened i minutes after the epoch
      const data = { clientId, channelId: '0'.repeat(32), clientIp: '127.0.0.1:1', time, reason: 'accepted' };
      const event = {
        eventId: newEventId(),
        type: 'ClientConnected',
        data,
        metadata: { actor: 't', occurredAt: time },
      };
      appends.push({ stream: clientStream(clientId), expectedVersion: n, events: [event] });
    }
  await store.appendMany(appends);
  // Counts what the scan reads, to see that it does not read the whole log.
  const readAll = store.readAll.bind(store);
  store.readAll = async (...args) => {
    const events = await readAll(...args);
    eventsRead += events.length;
    return events;
  };
}, 60_000);

afterAll(() => store.close());

it('selects exactly the range, client and event type asked for, reading a small part of the log', async () => {
  const selection = { ruleId: 'rule-1', from: 5_000 * MINUTE, to: 5_009 * MINUTE };
  const selected = await selectForReplay(store, MQTT_INSTANCE, selection, 1_000);
  expect(selected.map((n) => n.event.time / MINUTE)).toEqual(Array.from({ length: 10 }, (_, i) => 5_000 + i));
  expect(selected.map((n) => n.seq)).toEqual(Array(10).fill(6));
  expect(eventsRead).toBeLessThan(2_500);

  const one = await selectForReplay(
    store,
    MQTT_INSTANCE,
    { ...selection, clientId: 'GID_scan@@@dev-3' },
    1_000,
  );
  expect(one.map((n) => n.event.clientId)).toEqual(['GID_scan@@@dev-3']);
  expect(await selectForReplay(store, MQTT_INSTANCE, { ...selection, eventType: 'tcpclean' }, 1_000)).toEqual(
    [],
  );
  expect(await selectForReplay(store, MQTT_INSTANCE, { ...selection, ruleId: 'rule-2' }, 1_000)).toEqual([]);
});

it('stops reading at the limit, with the first notifications of the range', async () => {
  const everything = { ruleId: 'rule-1', from: 0, to: Number.MAX_SAFE_INTEGER };
  eventsRead = 0;
  const selected = await selectForReplay(store, MQTT_INSTANCE, everything, 100);
  expect(selected.map((n) => n.event.time / MINUTE)).toEqual(Array.from({ length: 100 }, (_, i) => i));
  expect(eventsRead).toBeLessThan(2_500);
});

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { newEventId, openEventStore, type EventStore } from '#libs/event-store';
import { clientStream } from '#libs/presence';
import { ClientStatusProjection } from './client-status.projection.js';
import { clientsOfGroup, clientStatusesOf, clientStatusOf } from './client-status.queries.js';

/** The client status read model's queries, over documents the projection built from presence events on SQLite. */
let store: EventStore;

const presence = (clientId: string, type: 'ClientConnected' | 'ClientConnectionClosed', time: number) => ({
  eventId: newEventId(),
  type,
  data: {
    clientId,
    channelId: `${clientId.at(-1)}`.repeat(32),
    clientIp: '10.0.0.1:5000',
    time,
    reason: type === 'ClientConnected' ? 'accepted' : 'closed by client',
  },
  metadata: { actor: 'presence-ingest', occurredAt: time },
});

beforeAll(async () => {
  store = await openEventStore(`sqlite:${join(mkdtempSync(join(tmpdir(), 'client-status-')), 'events.db')}`);
  // van-1 to van-4 connected, van-2 left again; GID_fleetX shares the prefix GID_fleet but is another group.
  for (const n of [1, 2, 3, 4])
    await store.append(
      clientStream(`GID_fleet@@@van-${n}`),
      [presence(`GID_fleet@@@van-${n}`, 'ClientConnected', n)],
      'any',
    );
  await store.append(
    clientStream('GID_fleet@@@van-2'),
    [presence('GID_fleet@@@van-2', 'ClientConnectionClosed', 9)],
    'any',
  );
  await store.append(
    clientStream('GID_fleetX@@@van-9'),
    [presence('GID_fleetX@@@van-9', 'ClientConnected', 5)],
    'any',
  );
  await new ClientStatusProjection(store).catchUp();
});

afterAll(() => store.close());

describe('client status queries', () => {
  it('finds one client’s status and its last event, and nothing for a client never seen', async () => {
    expect(await clientStatusOf(store, 'GID_fleet@@@van-2')).toMatchObject({
      online: false,
      groupId: 'GID_fleet',
      lastEvent: { time: 9 },
    });
    expect(await clientStatusOf(store, 'GID_fleet@@@van-7')).toBeUndefined();
    const found = await clientStatusesOf(store, ['GID_fleet@@@van-1', 'GID_fleet@@@van-7']);
    expect([...found.keys()]).toEqual(['GID_fleet@@@van-1']);
  });

  it('pages a group’s clients in ID order, its online ones only when asked, never another group’s', async () => {
    const all = await clientsOfGroup(store, 'GID_fleet', { onlineOnly: false, offset: 1, limit: 2 });
    expect(all.total).toBe(4);
    expect(all.clients.map(({ clientId, status }) => [clientId, status?.online])).toEqual([
      ['GID_fleet@@@van-2', false],
      ['GID_fleet@@@van-3', true],
    ]);
    const online = await clientsOfGroup(store, 'GID_fleet', { onlineOnly: true, offset: 0, limit: 10 });
    expect(online.total).toBe(3);
    expect(online.clients.map(({ clientId, status }) => [clientId, status?.online])).toEqual([
      ['GID_fleet@@@van-1', true],
      ['GID_fleet@@@van-3', true],
      ['GID_fleet@@@van-4', true],
    ]);
  });
});

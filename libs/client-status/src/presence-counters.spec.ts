import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { newEventId, openEventStore, type EventStore } from '#libs/event-store';
import { clientStream, refusedConnectStream } from '#libs/presence';
import { ClientStatusProjection } from './client-status.projection.js';
import { presenceOverviewOf } from './client-status.queries.js';
import { recentMinutes } from './presence-counters.js';

/** The online and per-minute counters the client status projection keeps, on a real SQLite store. */
let store: EventStore;
const MINUTE = 60_000;
const T0 = Date.UTC(2026, 11, 2, 8, 0);

type Kind = 'ClientConnected' | 'ClientDisconnected' | 'ClientConnectionClosed';

const presence = (clientId: string, channelId: string, type: Kind, time: number) => ({
  eventId: newEventId(),
  type,
  data: {
    clientId,
    channelId: channelId.repeat(32),
    clientIp: '10.0.0.1:5000',
    time,
    reason: type === 'ClientConnected' ? 'accepted' : 'closed by client',
  },
  metadata: { actor: 'presence-ingest', occurredAt: time },
});

const append = (clientId: string, channelId: string, type: Kind, time: number) =>
  store.append(clientStream(clientId), [presence(clientId, channelId, type, time)], 'any');

const refused = (clientId: string, time: number, refusedSinceNotTraced?: number) =>
  store.append(
    refusedConnectStream(clientId),
    [
      {
        eventId: newEventId(),
        type: 'ClientConnectRefused',
        data: {
          clientId,
          clientIp: '10.0.0.9:5000',
          time,
          reason: 'not authorized',
          detail: 'bad password',
          ...(refusedSinceNotTraced !== undefined && { refusedSinceNotTraced }),
        },
        metadata: { actor: 'presence-ingest', occurredAt: time },
      },
    ],
    'any',
  );

beforeAll(async () => {
  store = await openEventStore(
    `sqlite:${join(mkdtempSync(join(tmpdir(), 'presence-counters-')), 'events.db')}`,
  );
  // Minute 0: van-1, van-2 and pump-1 connect, van-1 twice (two channels: one client online).
  await append('GID_fleet@@@van-1', 'a', 'ClientConnected', T0 + 1_000);
  await append('GID_fleet@@@van-1', 'b', 'ClientConnected', T0 + 2_000);
  await append('GID_fleet@@@van-2', 'c', 'ClientConnected', T0 + 3_000);
  await append('GID_pumps@@@pump-1', 'd', 'ClientConnected', T0 + 4_000);
  await refused('GID_fleet@@@van-9', T0 + 5_000);
  await new ClientStatusProjection(store).catchUp();
  // Minute 2: van-2 disconnects (disconnect, then its tcpclean: one close), van-1 closes one of its channels.
  await append('GID_fleet@@@van-2', 'c', 'ClientDisconnected', T0 + 2 * MINUTE);
  await append('GID_fleet@@@van-2', 'c', 'ClientConnectionClosed', T0 + 2 * MINUTE + 10);
  await append('GID_fleet@@@van-1', 'a', 'ClientConnectionClosed', T0 + 2 * MINUTE + 20);
  await refused('GID_fleet@@@van-9', T0 + 2 * MINUTE + 30, 4);
  await new ClientStatusProjection(store).catchUp();
});

afterAll(() => store.close());

describe('presence counters', () => {
  it('counts clients online in total and per group, a client with two channels once', async () => {
    const overview = await presenceOverviewOf(store, 10);
    expect(overview.totals.online).toBe(2);
    expect(overview.topGroups).toEqual([
      { groupId: 'GID_fleet', online: 1 },
      { groupId: 'GID_pumps', online: 1 },
    ]);
    expect(overview.groupsOnline).toBe(2);
  });

  it('counts channels opened and closed and refused CONNECTs in the minute they happened', async () => {
    const { totals } = await presenceOverviewOf(store, 10);
    expect(recentMinutes(totals, T0 + 2 * MINUTE + 59_000, 3)).toEqual([
      { minute: T0, connects: 4, closes: 0, refusals: 1 },
      { minute: T0 + MINUTE, connects: 0, closes: 0, refusals: 0 },
      { minute: T0 + 2 * MINUTE, connects: 0, closes: 2, refusals: 5 },
    ]);
  });

  it('drops a group from the top groups when its last client goes offline, and keeps only the top ones', async () => {
    await append('GID_pumps@@@pump-1', 'd', 'ClientConnectionClosed', T0 + 3 * MINUTE);
    await append('GID_trucks@@@t-1', 'e', 'ClientConnected', T0 + 3 * MINUTE);
    await append('GID_trucks@@@t-2', 'f', 'ClientConnected', T0 + 3 * MINUTE);
    await new ClientStatusProjection(store).catchUp();
    const overview = await presenceOverviewOf(store, 1);
    expect(overview.totals.online).toBe(3);
    expect(overview.topGroups).toEqual([{ groupId: 'GID_trucks', online: 2 }]);
    expect(overview.groupsOnline).toBe(2);
  });

  it('rebuilds to the same counters from the events', async () => {
    const before = await presenceOverviewOf(store, 10);
    await new ClientStatusProjection(store).rebuild();
    expect(await presenceOverviewOf(store, 10)).toEqual(before);
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import { openEventStore, type EventStore } from '#libs/event-store';
import { clientStream } from '#libs/presence';
import { controlPlaneStream } from '#libs/rules';
import { isolatedEnv, startApp, type RunningApp } from '../support/app-processes.js';
import { apiOf, eventually, mqttConnector } from '../support/system-clients.js';

/**
 * Two presence-ingest nodes on one store (SQLite, then PostgreSQL with its LISTEN/NOTIFY), as behind one TCP address: a client connected to node A connects again
 * to node B. Node A closes its connection with `clientId conflict` (SPEC §4, as a takeover on one node), the
 * client's sequence numbers run on across the nodes, and the status API shows it online on B's channel alone.
 * A restart of node A then closes none of node B's channels.
 */
const CLIENT = 'GID_scale@@@device-1';
let envA: Record<string, string>;
let envB: Record<string, string>;
let store: EventStore;
const apps: RunningApp[] = [];
const clients: MqttClient[] = [];

const start = async (env: Record<string, string>) => {
  const app = await startApp('presence-ingest', env);
  apps.push(app);
  return app;
};
const nodeOf = (app: RunningApp) => /node (\S+),/.exec(app.output())![1]!;
const clientEvents = () => store.readStream(clientStream(CLIENT));

const STORES: [string, (dataDir: string) => string][] = [
  ['SQLite', (dataDir) => `sqlite:${dataDir}/events.db`],
  ['PostgreSQL', () => `postgres://postgres@127.0.0.1:5432/test?schema=ingest_scaleout_${Date.now()}`],
];

describe.each(STORES)('two presence-ingest nodes on one %s store', (_, storeUrl) => {
  beforeAll(async () => {
    envA = await isolatedEnv();
    const shared = { DATA_DIR: envA['DATA_DIR']!, EVENT_STORE_URL: storeUrl(envA['DATA_DIR']!) };
    envB = { ...(await isolatedEnv()), ...shared };
    envA = { ...envA, ...shared };
    store = await openEventStore(shared.EVENT_STORE_URL);
    await store.append(
      controlPlaneStream(envA['INSTANCE_ID']!),
      [
        {
          eventId: randomUUID(),
          type: 'GroupRegistered',
          data: { groupId: 'GID_scale' },
          metadata: { actor: 'test', occurredAt: Date.now() },
        },
      ],
      'no_stream',
    );
  });

  afterAll(async () => {
    for (const client of clients.splice(0)) client.end(true);
    await Promise.all(apps.splice(0).map((app) => app.stop()));
    await store.close();
  });

  it('close the older connection of a client that connects again on the other node', async () => {
    apps.push(await startApp('rule-manager', envA));
    const nodeA = await start(envA);
    const nodeB = await start(envB);
    const [idA, idB] = [nodeOf(nodeA), nodeOf(nodeB)];
    expect(idA).not.toBe(idB);
    await eventually(
      async () => nodeA.output(),
      (output) => output.includes('following the connects of the other nodes'),
      10_000,
    );

    const onA = await mqttConnector(envA, clients)(CLIENT);
    const closedOnA = new Promise<void>((resolve) => onA.once('close', () => resolve()));
    await eventually(clientEvents, (events) => events.length === 1);
    await mqttConnector(envB, clients)(CLIENT);
    await closedOnA;

    const events = await eventually(clientEvents, (stored) => stored.length === 3);
    expect(events.map((event) => event.version)).toEqual([1, 2, 3]);
    const [connectA] = events;
    expect(connectA).toMatchObject({ type: 'ClientConnected', metadata: { node: idA } });
    const channelA = connectA!.data['channelId'];
    const closeA = events.find((event) => event.type === 'ClientConnectionClosed');
    const connectB = events.find((event) => event.type === 'ClientConnected' && event.version > 1);
    expect(closeA).toMatchObject({
      data: { channelId: channelA, reason: 'clientId conflict' },
      metadata: { node: idA },
    });
    expect(connectB).toMatchObject({ data: { reason: 'accepted' }, metadata: { node: idB } });
    expect(connectB!.data['channelId']).not.toBe(channelA);

    const api = apiOf(envA);
    const status = await eventually(
      async () => (await api('GET', `/api/v1/clients/${CLIENT}/status`)).body,
      (body) => body['lastEvent']?.['seq'] === 3,
    );
    expect(status).toMatchObject({ clientId: CLIENT, online: true });
    expect(status['channels']).toEqual([expect.objectContaining({ channelId: connectB!.data['channelId'] })]);

    // Node A restarts: its reconciliation closes its own channels left open, never node B's.
    await nodeA.stop();
    await start(envA);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await clientEvents()).map((event) => event.version)).toEqual([1, 2, 3]);
    const after = (await api('GET', `/api/v1/clients/${CLIENT}/status`)).body;
    expect(after).toMatchObject({ online: true, channels: [{ channelId: connectB!.data['channelId'] }] });
  }, 120_000);
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { openEventStore, type EventStore } from '#libs/event-store';
import { controlPlaneStream } from '#libs/rules';
import { isolatedEnv, startApp, type RunningApp } from '../support/app-processes.js';
import { mqttConnector, eventually } from '../support/system-clients.js';

/**
 * SPEC §6 / issue 4 item 5: presence-ingest killed with SIGKILL while 100 clients are connected. After the restart
 * no client is online until it reconnects, and each got exactly one tcpclean, reason `broker restart`, inferred.
 */
const CLIENTS = 100;
let env: Record<string, string>;
let store: EventStore;
let presence: RunningApp | undefined;
/** rule-manager keeps the client status read model current (presence-ingest only catches it up at start). */
let ruleManager: RunningApp | undefined;
const clients: MqttClient[] = [];
const clientId = (i: number) => `GID_restart@@@device-${i}`;

const onlineClients = async () =>
  (await store.readDocuments('presence.clients'))
    .filter(({ document }) => document['online'] === true)
    .map(({ id }) => id);

const connect = (clientId: string) => mqttConnector(env, clients)(clientId);

beforeAll(async () => {
  env = await isolatedEnv();
  store = await openEventStore(`sqlite:${join(env['DATA_DIR']!, 'events.db')}`);
  const registered = { groupId: 'GID_restart' };
  await store.append(
    controlPlaneStream(env['INSTANCE_ID']!),
    [
      {
        eventId: randomUUID(),
        type: 'GroupRegistered',
        data: registered,
        metadata: { actor: 'test', occurredAt: Date.now() },
      },
    ],
    'no_stream',
  );
});

afterAll(async () => {
  for (const client of clients) client.end(true);
  await presence?.stop();
  await ruleManager?.stop();
  await store.close();
});

describe('restart reconciliation', () => {
  it('closes every channel left open by a killed broker, once, before accepting connections', async () => {
    ruleManager = await startApp('rule-manager', env);
    presence = await startApp('presence-ingest', env);
    await Promise.all(Array.from({ length: CLIENTS }, (_, i) => connect(clientId(i))));
    expect(await eventually(onlineClients, (online) => online.length === CLIENTS)).toHaveLength(CLIENTS);

    await presence.stop('SIGKILL');
    presence = await startApp('presence-ingest', env);
    expect(presence.output()).toContain(`closed ${CLIENTS} channels left open by the previous run`);

    expect(await eventually(onlineClients, (online) => online.length === 0)).toEqual([]);
    for (let i = 0; i < CLIENTS; i++) {
      const events = await store.readStream(`client-${clientId(i)}`);
      expect(events.map((e) => `${e.version} ${e.type} ${String(e.data['reason'])}`)).toEqual([
        '1 ClientConnected accepted',
        '2 ClientConnectionClosed broker restart',
      ]);
      expect(events[1]!.data).toMatchObject({ inferred: true, channelId: events[0]!.data['channelId'] });
    }

    await connect(clientId(7));
    expect(await eventually(onlineClients, (online) => online.length === 1)).toEqual([clientId(7)]);

    // A clean restart leaves nothing to close: the previous run closed its channels itself.
    await presence.stop();
    presence = await startApp('presence-ingest', env);
    expect(presence.output()).not.toContain('left open by the previous run');
    const seventh = await store.readStream(`client-${clientId(7)}`);
    expect(seventh.map((e) => String(e.data['reason']))).toEqual([
      'accepted',
      'broker restart',
      'accepted',
      'closed by server',
    ]);
  }, 120_000);
});

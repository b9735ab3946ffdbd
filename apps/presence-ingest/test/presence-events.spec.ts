import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createConnection } from 'node:net';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { generate } from 'mqtt-packet';
import { openEventStore, type EventStore, type RecordedEvent } from '#libs/event-store';
import { loadConfig } from '#libs/platform';
import { controlPlaneStream } from '#libs/rules';
import { freePort } from '../../../test/support/app-processes.js';
import { configuredListeners } from '../src/broker/listeners.js';
import { MqttBroker } from '../src/broker/mqtt-broker.js';
import { PresenceIngestModule } from '../src/presence-ingest.module.js';
import { ControlPlaneView } from '../src/control-plane/control-plane.view.js';
import { eventually, storedEventsOf } from '../../../test/support/system-clients.js';

/** Real MQTT clients against the embedded broker; the presence events are read back from a real SQLite store. */
let app: INestMicroservice;
let store: EventStore;
let mqttPort: number;

beforeAll(async () => {
  mqttPort = await freePort();
  const config = loadConfig({
    DATA_DIR: mkdtempSync(join(tmpdir(), 'presence-')),
    MQTT_PORT: String(mqttPort),
    BUS_URL: `tcp://127.0.0.1:${await freePort()}`,
    INSTANCE_ID: 'mqtt-presence',
  });
  store = await openEventStore(config.eventStoreUrl);
  await store.append(
    controlPlaneStream('mqtt-presence'),
    [
      {
        eventId: randomUUID(),
        type: 'GroupRegistered',
        data: { groupId: 'GID_dev' },
        metadata: { actor: 'test', occurredAt: 1 },
      },
    ],
    'no_stream',
  );
  app = await NestFactory.createMicroservice(PresenceIngestModule.create(config, store), { logger: false });
  await app.get(ControlPlaneView).start();
  const broker = app.get(MqttBroker);
  await broker.start();
  for (const listener of configuredListeners(config)) await broker.listen(listener);
});

afterAll(async () => {
  await app.get(MqttBroker).close();
  await app.close();
  await store.close();
});

function connect(clientId: string, options: IClientOptions = {}): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(`mqtt://127.0.0.1:${mqttPort}`, { clientId, reconnectPeriod: 0, ...options });
    client.once('connect', () => resolve(client));
    client.once('error', (error) => {
      client.end(true);
      reject(error);
    });
  });
}

const eventsOf = (clientId: string, count: number) => storedEventsOf(store, clientId, count);

const summary = (events: RecordedEvent[]) =>
  events.map((e) => `${e.version} ${e.type} ${String(e.data['reason'])}`);

describe('presence events', () => {
  it('records connect, disconnect and tcpclean for a clean end, on one channel', async () => {
    const client = await connect('GID_dev@@@clean');
    const localPort = (client.stream as unknown as { localPort: number }).localPort;
    await client.endAsync();
    const events = await eventsOf('GID_dev@@@clean', 3);
    expect(summary(events)).toEqual([
      '1 ClientConnected accepted',
      '2 ClientDisconnected disconnected by client',
      '3 ClientConnectionClosed disconnected by client',
    ]);
    const channels = new Set(events.map((e) => e.data['channelId']));
    expect(channels.size).toBe(1);
    expect([...channels][0]).toMatch(/^[0-9a-f]{32}$/);
    expect(events[0]!.data['clientIp']).toBe(`127.0.0.1:${localPort}`);
    expect(events[0]!.data['time']).toBeLessThanOrEqual(events[2]!.data['time'] as number);
  });

  it('records connect and tcpclean (closed by client) when the socket drops', async () => {
    const client = await connect('GID_dev@@@dropper');
    client.stream.destroy();
    expect(summary(await eventsOf('GID_dev@@@dropper', 2))).toEqual([
      '1 ClientConnected accepted',
      '2 ClientConnectionClosed closed by client',
    ]);
    client.end(true);
  });

  it('continues the sequence on the next connection of the same client', async () => {
    const first = await connect('GID_dev@@@again');
    await first.endAsync();
    const second = await connect('GID_dev@@@again');
    await second.endAsync();
    const events = await eventsOf('GID_dev@@@again', 6);
    expect(events.map((e) => e.version)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(events[0]!.data['channelId']).not.toBe(events[3]!.data['channelId']);
  });

  it('closes the old channel with clientId conflict when the same client ID connects again', async () => {
    const old = await connect('GID_dev@@@twin');
    const fresh = await connect('GID_dev@@@twin');
    const events = await eventsOf('GID_dev@@@twin', 3);
    expect(summary(events)).toEqual([
      '1 ClientConnected accepted',
      '2 ClientConnectionClosed clientId conflict',
      '3 ClientConnected accepted',
    ]);
    expect(events[1]!.data['channelId']).toBe(events[0]!.data['channelId']);
    expect(events[2]!.data['channelId']).not.toBe(events[0]!.data['channelId']);
    old.end(true);
    await fresh.endAsync();
  });

  it('closes a silent client with no heart after 1.5 × its keepalive', async () => {
    // A raw socket that sends CONNECT (keepalive 1 s) and then nothing, not even PINGREQ.
    const socket = createConnection(mqttPort, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.write(
      generate({
        cmd: 'connect',
        clientId: 'GID_dev@@@silent',
        keepalive: 1,
        protocolVersion: 4,
        clean: true,
      }),
    );
    try {
      const events = await eventsOf('GID_dev@@@silent', 2);
      expect(summary(events)).toEqual(['1 ClientConnected accepted', '2 ClientConnectionClosed no heart']);
      const elapsed = (events[1]!.data['time'] as number) - (events[0]!.data['time'] as number);
      expect(elapsed).toBeGreaterThanOrEqual(1400);
    } finally {
      socket.destroy();
    }
  });

  it.each([['GID_dev@dev1'], ['GID_unknown@@@dev'], ['no-group-at-all']])(
    'refuses %s with identifier rejected and records nothing',
    async (clientId) => {
      await expect(connect(clientId)).rejects.toMatchObject({ code: 2 });
      expect(await store.readStream(`client-${clientId}`)).toEqual([]);
    },
  );

  it('writes nothing at all for a refused CONNECT of an unregistered group', async () => {
    await expect(connect('GID_stranger@@@dev')).rejects.toMatchObject({ code: 2 });
    await connect('GID_dev@@@after-stranger').then((client) => client.endAsync());
    await eventsOf('GID_dev@@@after-stranger', 3); // stored after the refusal, had there been anything to store
    expect(await store.readStream('refused-GID_stranger@@@dev')).toEqual([]);
    expect(await store.readStream('client-GID_stranger@@@dev')).toEqual([]);
  });

  it('keeps a refused CONNECT of a registered group in its trace, without a sequence number', async () => {
    await expect(connect('GID_dev@@@sleepy', { keepalive: 7_200 })).rejects.toMatchObject({ code: 2 });
    const refused = await eventually(
      () => store.readStream('refused-GID_dev@@@sleepy'),
      (events) => events.length > 0,
      5_000,
    );
    expect(refused).toEqual([
      expect.objectContaining({
        type: 'ClientConnectRefused',
        data: expect.objectContaining({
          reason: 'invalid param',
          detail: 'keepalive 7200 s is above MQTT_MAX_KEEPALIVE (3600 s)',
        }),
      }),
    ]);
    expect(await store.readStream('client-GID_dev@@@sleepy')).toEqual([]);
  });
});

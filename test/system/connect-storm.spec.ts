import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { createConnection, type Socket } from 'node:net';
import { join } from 'node:path';
import { generate } from 'mqtt-packet';
import { openEventStore, type EventStore, type RecordedEvent } from '#libs/event-store';
import { controlPlaneStream } from '#libs/rules';
import { isolatedEnv, startApp, type RunningApp } from '../support/app-processes.js';

/**
 * Issue 4 item 7: 2,000 clients connect and disconnect as fast as raw sockets allow (half with DISCONNECT, half by
 * dropping the socket); every connect and every tcpclean is stored, each client's sequence without gaps.
 */
const CLIENTS = 2_000;
const WINDOW = 200;
const CONNACK = Buffer.from([0x20, 0x02, 0x00, 0x00]);
let env: Record<string, string>;
let store: EventStore;
let presence: RunningApp;

/** Opens one raw MQTT 3.1.1 connection and resolves once CONNACK "accepted" arrived. */
function connectRaw(clientId: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(Number(env['MQTT_PORT']), '127.0.0.1');
    let received = Buffer.alloc(0);
    socket.on('error', reject);
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      if (received.length >= 4) {
        if (received.subarray(0, 4).equals(CONNACK)) resolve(socket);
        else reject(new Error(`${clientId}: CONNACK ${received.toString('hex')}`));
      }
    });
    socket.write(generate({ cmd: 'connect', clientId, protocolVersion: 4, clean: true, keepalive: 300 }));
  });
}

beforeAll(async () => {
  env = await isolatedEnv();
  store = await openEventStore(`sqlite:${join(env['DATA_DIR']!, 'events.db')}`);
  await store.append(
    controlPlaneStream(env['INSTANCE_ID']!),
    [
      {
        eventId: randomUUID(),
        type: 'GroupRegistered',
        data: { groupId: 'GID_storm' },
        metadata: { actor: 'test', occurredAt: 1 },
      },
    ],
    'no_stream',
  );
  presence = await startApp('presence-ingest', env);
});

afterAll(async () => {
  await presence.stop();
  await store.close();
});

async function allPresenceEvents(): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for (
    let batch = await store.readAll(0, { filter: { streamPrefixes: ['client-'] }, limit: 5000 });
    batch.length > 0;
  ) {
    events.push(...batch);
    batch = await store.readAll(batch.at(-1)!.position, {
      filter: { streamPrefixes: ['client-'] },
      limit: 5000,
    });
  }
  return events;
}

describe('a connect storm', () => {
  it('stores every connect and every tcpclean of 2,000 clients, sequences without gaps', async () => {
    const sockets: Socket[] = [];
    for (let start = 0; start < CLIENTS; start += WINDOW) {
      const ids = Array.from(
        { length: Math.min(WINDOW, CLIENTS - start) },
        (_, i) => `GID_storm@@@dev-${start + i}`,
      );
      sockets.push(...(await Promise.all(ids.map(connectRaw))));
    }
    sockets.forEach((socket, i) => {
      if (i % 2 === 0) socket.end(generate({ cmd: 'disconnect' }));
      else socket.destroy();
    });

    const deadline = Date.now() + 30_000;
    let events = await allPresenceEvents();
    while (
      events.filter((e) => e.type === 'ClientConnectionClosed').length < CLIENTS &&
      Date.now() < deadline
    ) {
      await new Promise((r) => setTimeout(r, 200));
      events = await allPresenceEvents();
    }
    const count = (type: string) => events.filter((e) => e.type === type).length;
    expect([count('ClientConnected'), count('ClientDisconnected'), count('ClientConnectionClosed')]).toEqual([
      CLIENTS,
      CLIENTS / 2,
      CLIENTS,
    ]);
    const versions = new Map<string, number[]>();
    for (const event of events)
      versions.set(event.stream, [...(versions.get(event.stream) ?? []), event.version]);
    expect(versions.size).toBe(CLIENTS);
    for (const [stream, seen] of versions) {
      const cleanEnd = Number(stream.split('-').at(-1)) % 2 === 0; // even clients sent DISCONNECT
      const expected = cleanEnd ? [1, 2, 3] : [1, 2];
      expect({ stream, seen }).toEqual({ stream, seen: expected });
    }
  }, 120_000);
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { generate } from 'mqtt-packet';
import { openEventStore, type EventStore } from '#libs/event-store';
import { freePort, isolatedEnv, startApp, type RunningApp } from '../support/app-processes.js';
import { connackCode } from '../support/mqtt-clients.js';
import { connectBytes, sendRaw, withBytes } from '../support/raw-mqtt.js';
import { apiOf, eventually } from '../support/system-clients.js';

/**
 * Every field of CONNECT is untrusted: whatever a stranger sends, presence-ingest keeps running, a real device
 * still connects, and refusals cannot fill the store.
 */
let env: Record<string, string>;
let apps: RunningApp[] = [];
let store: EventStore;
let accessKeyId: string;
const port = () => Number(env['MQTT_PORT']);
const api = (...args: Parameters<ReturnType<typeof apiOf>>) => apiOf(env)(...args);
const presence = () => apps[1]!;

async function metric(name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${env['METRICS_PORT']}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith(name))
    .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
}

const storeBytes = () =>
  ['events.db', 'events.db-wal'].reduce((sum, file) => {
    try {
      return sum + statSync(join(env['DATA_DIR']!, file)).size;
    } catch {
      return sum;
    }
  }, 0);

beforeAll(async () => {
  env = await isolatedEnv({
    MQTT_ALLOW_ANONYMOUS: 'false',
    MQTT_WS_PORT: String(await freePort()),
    MQTT_CONNECT_TIMEOUT_MS: '2000',
  });
  apps = [await startApp('rule-manager', env), await startApp('presence-ingest', env)];
  store = await openEventStore(`sqlite:${join(env['DATA_DIR']!, 'events.db')}`);
  await api('POST', '/api/v1/groups', { groupId: 'GID_open' });
  await api('PUT', '/api/v1/groups/GID_open/credentials', { username: 'open', password: 'open-password-1' });
  accessKeyId = (await api('POST', '/api/v1/access-keys', {})).body['accessKeyId'];
  await eventually(
    () =>
      connackCode(`mqtt://127.0.0.1:${port()}`, {
        clientId: 'GID_open@@@probe',
        username: 'open',
        password: 'open-password-1',
      }),
    (code) => code === 0,
  );
}, 60_000);

afterAll(async () => {
  await Promise.all(apps.map((app) => app.stop()));
  await store.close();
});

/** mqtt-packet will not write this one: the connect flags' clean-session bit cleared by hand. */
function withoutCleanSession(packet: Buffer): Buffer {
  const flags = 2 + 6 + 1; // fixed header, protocol name, protocol level
  packet[flags] = packet[flags]! & ~0x02;
  return packet;
}

const notUtf8 = Buffer.from([0xc3, 0x28, 0xff, 0xfe]);
const huge = 'x'.repeat(60_000);
const hostile: [string, () => Buffer][] = [
  [
    'a signature password of multi-byte characters',
    () =>
      connectBytes({
        clientId: 'GID_open@@@sig',
        username: `Signature|${accessKeyId}|mqtt-test`,
        password: Buffer.from('ü'.repeat(14)),
      }),
  ],
  [
    'a password that is not UTF-8',
    () => connectBytes({ clientId: 'GID_open@@@p', username: 'open', password: notUtf8 }),
  ],
  [
    'a username that is not UTF-8',
    () =>
      withBytes(
        connectBytes({ clientId: 'GID_open@@@u', username: 'ABCD', password: Buffer.from('x') }),
        'ABCD',
        notUtf8,
      ),
  ],
  [
    'a client ID that is not UTF-8',
    () => withBytes(connectBytes({ clientId: 'GID_open@@@ABCD' }), 'ABCD', notUtf8),
  ],
  [
    'a 60 KB client ID, username and password',
    () => connectBytes({ clientId: `GID_open@@@${huge}`, username: huge, password: Buffer.from(huge) }),
  ],
  ['an empty client ID without clean session', () => withoutCleanSession(connectBytes({ clientId: '' }))],
  ['an empty client ID over MQTT 5', () => connectBytes({ clientId: '', protocolVersion: 5 })],
  [
    'protocol level 6',
    () => withBytes(connectBytes({ clientId: 'GID_open@@@v' }), 'MQTT\u0004', Buffer.from('MQTT\u0006')),
  ],
  [
    'a truncated CONNECT',
    () => connectBytes({ clientId: 'GID_open@@@short', username: 'open' }).subarray(0, 12),
  ],
  ['a packet announcing 256 MB', () => Buffer.from([0x10, 0xff, 0xff, 0xff, 0x7f, 0x00, 0x04])],
  ['bytes that are not MQTT', () => Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n')],
  [
    'a PUBLISH before CONNECT',
    () => generate({ cmd: 'publish', topic: 'a/b', payload: 'x', qos: 0, dup: false, retain: false }),
  ],
  [
    'two CONNECTs on one connection',
    () =>
      Buffer.concat(
        [1, 2].map(() =>
          connectBytes({
            clientId: 'GID_open@@@twice',
            username: 'open',
            password: Buffer.from('open-password-1'),
          }),
        ),
      ),
  ],
];

describe('hostile input', () => {
  it.each(hostile)('survives %s', async (_what, bytes) => {
    const { closedByBroker } = await sendRaw(port(), bytes(), 20_000);
    expect(closedByBroker).toBe(true);
    expect(presence().process.exitCode).toBeNull();
  });

  it('closes a connection that sends no CONNECT after MQTT_CONNECT_TIMEOUT_MS (2 s here)', async () => {
    const started = Date.now();
    const { closedByBroker } = await sendRaw(port(), Buffer.alloc(0), 20_000);
    expect(closedByBroker).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_900);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('accepts keepalive 0 (no MQTT keepalive) from a device that asks for it', async () => {
    const code = await connackCode(`mqtt://127.0.0.1:${port()}`, {
      clientId: 'GID_open@@@no-keepalive',
      username: 'open',
      password: 'open-password-1',
      keepalive: 0,
    });
    expect(code).toBe(0);
  });

  it('closes a WebSocket whose frame is larger than MQTT_MAX_PACKET_SIZE', async () => {
    const socket = new WebSocket(`ws://127.0.0.1:${env['MQTT_WS_PORT']}`, 'mqtt');
    await new Promise((opened) => socket.once('open', opened));
    const closed = new Promise<number>((done) => socket.once('close', (code) => done(code)));
    socket.send(Buffer.alloc(2 * 1_048_576));
    expect(await closed).toBe(1009); // "message too big"
  });

  it('after all of it, a real device still connects, and nothing escaped a handler', async () => {
    const code = await connackCode(`mqtt://127.0.0.1:${port()}`, {
      clientId: 'GID_open@@@real',
      username: 'open',
      password: 'open-password-1',
      protocolVersion: 5,
    });
    expect(code).toBe(0);
    expect(presence().process.exitCode).toBeNull();
    expect(await metric('msr_presence_unexpected_errors_total')).toBe(0);
  });
});

describe('refusals cannot fill the store', () => {
  it('writes nothing for refusals of unregistered groups and a few trace entries for thousands of refusals', async () => {
    const before = storeBytes();
    const refusedBefore = await metric('msr_presence_connections_refused_total');
    const flood = (clientId: string, username: string) =>
      connectBytes({ clientId, username, password: Buffer.from('x'.repeat(64)), keepalive: 60 });
    const sent: Promise<unknown>[] = [];
    for (let i = 0; i < 2_000; i++) {
      const packet =
        i % 2 ? flood(`GID_unknown@@@d${i}`, huge) : flood('GID_open@@@victim', `Signature|${huge}|x`);
      sent.push(sendRaw(port(), packet, 10_000));
      if (sent.length % 100 === 0) await Promise.all(sent.splice(0));
    }
    await Promise.all(sent);
    expect(
      await eventually(
        () => metric('msr_presence_connections_refused_total'),
        (n) => n - refusedBefore >= 2_000,
      ),
    ).toBe(refusedBefore + 2_000);
    const traced = await store.readStream('refused-GID_open@@@victim');
    expect(traced.length).toBeLessThanOrEqual(10);
    expect(Math.max(...traced.map((e) => JSON.stringify(e.data).length))).toBeLessThan(400);
    expect(await store.readStream('refused-GID_unknown@@@d1')).toEqual([]);
    expect(storeBytes() - before).toBeLessThan(1_000_000);
    expect(presence().process.exitCode).toBeNull();
  }, 120_000);
});

import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { ClientProxyFactory, Transport, type ClientProxy } from '@nestjs/microservices';
import type { MqttClient } from 'mqtt';
import { firstValueFrom, timeout } from 'rxjs';
import { openEventStore } from '#libs/event-store';
import { BUS_PATTERNS, busCaller, busClientOptions, type BusApp } from '#libs/platform';
import { isolatedEnv, startApp, type RunningApp } from '../support/app-processes.js';
import { apiOf, eventually, mqttConnector } from '../support/system-clients.js';
import { startRuleManager } from '../../apps/rule-manager/test/support/rule-manager-harness.js';

/**
 * The TCP bus between the three apps as processes: each request proves BUS_SECRET, here generated in their
 * shared DATA_DIR. Without a proof, or with another secret, a request is answered with an error, does nothing and
 * is logged in one line; the actor of what a request changes is the caller its proof names.
 */
let env: Record<string, string>;
let apps: Record<BusApp, RunningApp>;
let secret: Buffer;
const clients: MqttClient[] = [];
const busClients: ClientProxy[] = [];
const api = (...args: Parameters<ReturnType<typeof apiOf>>) => apiOf(env)(...args);

const tcp = (app: BusApp) => ({
  host: '127.0.0.1',
  port: Number(new URL(env['BUS_URL']!).port) + (app === 'rule-manager' ? 0 : 1),
});
/** A client that sends the pattern as Nest does, with no proof at all. */
const plainClient = (app: BusApp) =>
  ClientProxyFactory.create({ transport: Transport.TCP, options: tcp(app) });
const sealedClient = (app: BusApp, key: Buffer, name = 'provisioning') =>
  ClientProxyFactory.create(busClientOptions(env['BUS_URL']!, app, busCaller(key, name)));
const send = (client: ClientProxy, pattern: string, payload: unknown) => {
  busClients.push(client);
  return firstValueFrom(client.send<Record<string, any>>(pattern, payload).pipe(timeout(10_000)));
};
const registerGroup = (groupId: string) => ({
  command: { type: 'RegisterGroup', data: { input: { groupId } } },
  actor: 'e2e', // the admin token's name: claimed, never recorded
});
/** The app's log lines holding `text`, once there is one (its output arrives through a pipe). */
const linesOf = async (app: BusApp, text: string) =>
  eventually(
    async () =>
      apps[app]
        .output()
        .split('\n')
        .filter((line) => line.includes(text)),
    (lines) => lines.length > 0,
  );

beforeAll(async () => {
  env = await isolatedEnv();
  // Started together, as `npm start` does: one of them generates the secret, all three hold the same.
  const started = await Promise.all(
    (['rule-manager', 'presence-ingest', 'rocketmq-dispatch'] as const).map((app) => startApp(app, env)),
  );
  apps = { 'rule-manager': started[0], 'presence-ingest': started[1], 'rocketmq-dispatch': started[2] };
  secret = Buffer.from(readFileSync(join(env['DATA_DIR']!, 'bus.secret'), 'utf8').trim(), 'base64');
  await api('POST', '/api/v1/groups', { groupId: 'GID_bus' });
}, 60_000);

afterEach(async () => {
  await Promise.all(busClients.splice(0).map((client) => client.close()));
});

afterAll(async () => {
  for (const client of clients) client.end(true);
  await Promise.all(Object.values(apps).map((app) => app.stop()));
});

describe('the request bus on TCP', () => {
  it('lets the three apps answer each other with the secret generated in their DATA_DIR (mode 600, never logged)', async () => {
    expect(secret).toHaveLength(32);
    expect(statSync(join(env['DATA_DIR']!, 'bus.secret')).mode & 0o777).toBe(0o600);
    // Each peer gets 1 s to answer; on a loaded machine the first answers after start-up may miss it.
    const peers = async () => (await api('GET', '/health')).body['peers'];
    const answered = (all: Record<string, any>) =>
      Object.values(all).every((peer) => peer.status !== 'unreachable');
    expect(await eventually(peers, answered)).toMatchObject({
      'presence-ingest': { status: 'ok' },
      'rocketmq-dispatch': { status: 'ok' },
    });
    for (const app of Object.values(apps)) expect(app.output()).not.toContain(secret.toString('base64'));
  });

  it('refuses a request without a proof: an error answer, nothing done, one line naming BUS_SECRET', async () => {
    const before = await api('GET', '/api/v1/groups');
    await expect(
      send(plainClient('rule-manager'), BUS_PATTERNS.controlPlaneCommand, registerGroup('GID_plain')),
    ).rejects.toEqual({ status: 'error', message: 'bus request refused: no BUS_SECRET proof' });
    expect(await api('GET', '/api/v1/groups')).toEqual(before);
    const [line, ...more] = await linesOf('rule-manager', 'bus request rule-manager.command refused');
    expect(line).toMatch(
      /WARN.*bus request rule-manager\.command refused: no BUS_SECRET proof; give every app and bus caller the same BUS_SECRET \(or the same DATA_DIR, where bus\.secret is generated\)$/,
    );
    expect(more).toEqual([]);

    // presence-ingest's door too: the device stays connected.
    const device = await mqttConnector(env, clients)('GID_bus@@@van-1');
    const status = async () => (await api('GET', '/api/v1/clients/GID_bus@@@van-1/status')).body;
    expect(await eventually(status, (body) => body['online'] === true)).toMatchObject({ online: true });
    await expect(
      send(plainClient('presence-ingest'), BUS_PATTERNS.closeConnection, { clientId: 'GID_bus@@@van-1' }),
    ).rejects.toMatchObject({ message: 'bus request refused: no BUS_SECRET proof' });
    expect(
      await linesOf('presence-ingest', 'presence-ingest.close-connection refused: no BUS_SECRET proof'),
    ).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 300)); // a close would have reached the device by now
    expect(device.connected).toBe(true);
    expect(await status()).toMatchObject({ online: true });
  });

  it('refuses a request proving another secret, naming the caller it claims', async () => {
    await expect(
      send(
        sealedClient('rule-manager', randomBytes(32)),
        BUS_PATTERNS.controlPlaneCommand,
        registerGroup('GID_wrong'),
      ),
    ).rejects.toEqual({ status: 'error', message: 'bus request refused: a wrong BUS_SECRET proof' });
    expect((await api('GET', '/api/v1/groups/GID_wrong')).status).toBe(404);
    expect(
      await linesOf('rule-manager', 'refused: a wrong BUS_SECRET proof from "provisioning"'),
    ).toHaveLength(1);
  });

  it('gives a script a key of its own (bus:caller-key): it proves that name, and no other', async () => {
    const script = join(import.meta.dirname, '../../dist/apps/rule-manager/src/bus-caller-key.js');
    const key = Buffer.from(
      execFileSync(process.execPath, [script, 'provisioning'], {
        env: { ...process.env, ...env },
        encoding: 'utf8',
      }),
      'base64',
    );
    expect(key).toEqual(busCaller(secret, 'provisioning').key);
    const as = (name: string) =>
      ClientProxyFactory.create(busClientOptions(env['BUS_URL']!, 'rule-manager', { name, key }));
    expect(await send(as('provisioning'), BUS_PATTERNS.status('rule-manager'), {})).toMatchObject({
      status: 'ok',
    });
    await expect(send(as('rule-manager'), BUS_PATTERNS.status('rule-manager'), {})).rejects.toMatchObject({
      message: 'bus request refused: a wrong BUS_SECRET proof',
    });
  });

  it('shows in /health a peer that refuses a rule-manager holding another secret', async () => {
    // Its own DATA_DIR, so its own generated secret; no bus listener of its own, its peers are this deployment's.
    const stranger = await startRuleManager({ BUS_URL: env['BUS_URL']! });
    try {
      const peers = async () => (await stranger.call('GET', '/health')).body['peers'] as Record<string, any>;
      const answered = (all: Record<string, any>) =>
        Object.values(all).every((peer) => peer.status !== 'unreachable');
      expect(await eventually(peers, answered)).toEqual({
        'presence-ingest': { status: 'refused', message: 'bus request refused: a wrong BUS_SECRET proof' },
        'rocketmq-dispatch': { status: 'refused', message: 'bus request refused: a wrong BUS_SECRET proof' },
      });
    } finally {
      await stranger.stop();
    }
  });

  it('takes the right proof, and records the caller it proves as actor, not the one the message names', async () => {
    const answer = await send(
      sealedClient('rule-manager', secret),
      BUS_PATTERNS.controlPlaneCommand,
      registerGroup('GID_sealed'),
    );
    expect(answer).toMatchObject({ ok: true, events: [{ type: 'GroupRegistered' }] });
    const store = await openEventStore(`sqlite:${env['DATA_DIR']}/events.db`);
    try {
      const events = await store.readAll(0, { filter: { streamPrefixes: ['rules-'] } });
      expect(events.map((event) => [event.type, event.metadata.actor])).toEqual([
        ['GroupRegistered', 'e2e'], // through the API, with the admin token
        ['GroupRegistered', 'bus:provisioning'],
      ]);
    } finally {
      await store.close();
    }
    const closed = await send(
      sealedClient('presence-ingest', secret, 'rule-manager'),
      BUS_PATTERNS.closeConnection,
      {
        clientId: 'GID_bus@@@van-1',
      },
    );
    expect(closed).toEqual({ clientId: 'GID_bus@@@van-1', closed: true });
  });
});

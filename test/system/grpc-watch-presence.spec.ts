import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { status as Code, type ClientReadableStream, type ServiceError } from '@grpc/grpc-js';
import type { MqttClient } from 'mqtt';
import { openEventStore, type EventStore } from '#libs/event-store';
import {
  E2E_ADMIN_SECRET as ADMIN,
  isolatedEnv,
  startApp,
  type RunningApp,
} from '../support/app-processes.js';
import { grpcApi, refusalOf, type GrpcApi, type Refusal } from '../support/grpc-clients.js';
import { apiOf, eventually, mqttConnector } from '../support/system-clients.js';

/**
 * WatchPresence against the built apps as processes and real MQTT clients: a watcher killed mid-stream resumes
 * after the last position it received with no gap and no duplicate; filters by group and by client list; the
 * watcher limit; who may watch.
 */
const VIEWER = 'viewer-secret-0123456789';
const GROUP = 'GID_watch';
const MAX_WATCHERS = 3;

let env: Record<string, string>;
let apps: RunningApp[] = [];
let grpc: GrpcApi;
let store: EventStore;
const clients: MqttClient[] = [];

/** Connects a client and closes it at once: connect, disconnect, tcpclean. */
async function visit(clientId: string): Promise<void> {
  const client = await mqttConnector(env, clients)(clientId);
  await client.endAsync();
}

/** Where the watch started, from its initial metadata. */
const started = (stream: ClientReadableStream<any>) =>
  new Promise<number>((resolve, reject) => {
    stream.once('metadata', (metadata) => resolve(Number(metadata.get('watch-after-position')[0])));
    stream.once('error', reject);
  });

/** The first `count` events of a stream (it stays open). */
const received = (stream: ClientReadableStream<any>, count: number, timeoutMs = 20_000) =>
  new Promise<any[]>((resolve, reject) => {
    const events: any[] = [];
    const timer = setTimeout(() => reject(new Error(`${events.length} of ${count} events`)), timeoutMs);
    stream.on('data', (event) => {
      events.push(event);
      if (events.length === count) {
        clearTimeout(timer);
        resolve(events);
      }
    });
    stream.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });

/** A watch of everything, opened as soon as the server has a place for it. */
async function openWatch(): Promise<ClientReadableStream<any>> {
  for (let attempt = 0; ; attempt++) {
    const stream = grpc.watch({}, VIEWER);
    const answer = await new Promise((resolve) => {
      stream.once('metadata', () => resolve('open'));
      stream.once('error', () => resolve('refused'));
    });
    if (answer === 'open' || attempt === 50) return stream;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The status a stream ended with. */
const refusal = (stream: ClientReadableStream<any>) =>
  new Promise<Refusal>((resolve) =>
    stream.once('error', (error) => resolve(refusalOf(error as ServiceError))),
  );

/** The group's presence events in the store after `after`: what a watcher must have been sent. */
async function storedAfter(after: number, prefix = `client-${GROUP}@@@`) {
  const events = await store.readAll(after, { filter: { streamPrefixes: [prefix] }, limit: 10_000 });
  return events.map((event) => ({ position: String(event.position), clientId: event.data['clientId'] }));
}

beforeAll(async () => {
  env = await isolatedEnv({
    API_TOKENS: `e2e:admin:${ADMIN},look:viewer:${VIEWER}`,
    GRPC_MAX_WATCHERS: String(MAX_WATCHERS),
  });
  apps = await Promise.all([startApp('rule-manager', env), startApp('presence-ingest', env)]);
  await apiOf(env)('POST', '/api/v1/groups', { groupId: GROUP });
  await apiOf(env)('POST', '/api/v1/groups', { groupId: 'GID_other' });
  store = await openEventStore(`sqlite:${join(env['DATA_DIR']!, 'events.db')}`);
  grpc = grpcApi(`127.0.0.1:${env['GRPC_PORT']}`);
}, 60_000);

afterAll(async () => {
  for (const client of clients) client.end(true);
  grpc?.close();
  await store?.close();
  await Promise.all(apps.map((app) => app.stop()));
});

describe('WatchPresence', () => {
  it('resumes a watcher killed mid-stream after its last position: no gap, no duplicate', async () => {
    const first = grpc.watch({ groupId: GROUP }, VIEWER);
    const from = await started(first);
    const firstEvents = received(first, 4);
    for (const device of ['a', 'b']) await visit(`${GROUP}@@@${device}`);
    await visit('GID_other@@@x'); // another group: not sent
    const seen = await firstEvents;
    first.cancel();
    // Events the watcher is not there for, which it must get on resuming.
    for (const device of ['c', 'd']) await visit(`${GROUP}@@@${device}`);

    // The broker stores by group commit: the last tcpclean may still be on its way.
    const expected = await eventually(
      () => storedAfter(from),
      (events) => events.length >= 12,
    );
    expect(expected).toHaveLength(12);
    const resumed = grpc.watch({ groupId: GROUP, afterPosition: seen.at(-1).position }, VIEWER);
    expect(await started(resumed)).toBe(Number(seen.at(-1).position));
    const rest = await received(resumed, expected.length - seen.length);
    resumed.cancel();
    const all = [...seen, ...rest];
    expect(all.map(({ position, clientId }) => ({ position, clientId }))).toEqual(expected);
    expect(all[0]).toMatchObject({
      eventType: 'connect',
      groupId: GROUP,
      seq: '1',
      reason: 'accepted',
      channelId: expect.stringMatching(/^[0-9a-f]{32}$/),
      protocolVersion: 4,
    });
    expect(all.map((event) => event.eventType).slice(0, 3)).toEqual(['connect', 'disconnect', 'tcpclean']);
  });

  it('sends only the listed clients, from a given position', async () => {
    await visit(`${GROUP}@@@van-1`);
    await visit(`${GROUP}@@@van-10`); // its stream name starts with van-1's
    const expected = await eventually(
      () => storedAfter(0, `client-${GROUP}@@@van-1`),
      (events) => events.length >= 6,
    );
    const onlyVan1 = expected.filter((event) => event.clientId === `${GROUP}@@@van-1`);
    expect(onlyVan1).toHaveLength(3);
    const stream = grpc.watch({ clientIds: [`${GROUP}@@@van-1`], afterPosition: '0' }, ADMIN);
    const events = await received(stream, 3);
    // Nothing else follows: the next event of the log is another client's.
    await visit(`${GROUP}@@@van-10`);
    await new Promise((resolve) => setTimeout(resolve, 500));
    stream.cancel();
    expect(events.map(({ position, clientId }) => ({ position, clientId }))).toEqual(onlyVan1);
  });

  it('refuses a watcher past GRPC_MAX_WATCHERS, and takes one again once a place is free', async () => {
    // The server frees a place once it sees a cancellation (the earlier tests' watchers too).
    const open: ClientReadableStream<any>[] = [];
    for (let i = 0; i < MAX_WATCHERS; i++) open.push(await openWatch());
    const refused = await refusal(grpc.watch({}, VIEWER));
    expect(refused).toMatchObject({ code: Code.RESOURCE_EXHAUSTED });
    expect(refused.details['google.rpc.ErrorInfo']).toMatchObject({ reason: 'WATCHER_LIMIT_REACHED' });
    open.shift()!.cancel();
    open.push(await openWatch());
    for (const stream of open) stream.cancel();
  });

  it('needs a token, and refuses a request naming both a group and clients', async () => {
    expect(await refusal(grpc.watch({}))).toMatchObject({ code: Code.UNAUTHENTICATED });
    const invalid = await refusal(grpc.watch({ groupId: GROUP, clientIds: [`${GROUP}@@@a`] }, ADMIN));
    expect(invalid).toMatchObject({ code: Code.INVALID_ARGUMENT });
    expect(invalid.details['google.rpc.BadRequest'].fieldViolations).toEqual([
      { field: 'clientIds', description: 'exclusive: clientIds must not be given with groupId' },
    ]);
  });
});

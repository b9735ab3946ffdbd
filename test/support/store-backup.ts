// Helpers for the backup and restore system test: the CLI as a user runs it, a connect storm, the store read back.
import { spawn } from 'node:child_process';
import { createConnection, type Socket } from 'node:net';
import { join, resolve } from 'node:path';
import { generate } from 'mqtt-packet';
import pg from 'pg';
import { CLIENT_STATUS_COLLECTIONS, CLIENT_STATUS_PROJECTION } from '#libs/client-status';
import type { EventStore, ReadAllFilter, RecordedEvent } from '#libs/event-store';
import {
  emptyClientStatus,
  evolveClientStatus,
  isPresenceEventType,
  openChannels,
  type ClientStatus,
  type PresenceEventData,
} from '#libs/presence';

const ROOT = resolve(import.meta.dirname, '../..');
const CONNACK = Buffer.from([0x20, 0x02, 0x00, 0x00]);

/** Runs `dist/apps/rule-manager/src/<command>.js` (what `npm run <command>` runs after its build). */
export function runStoreCli(
  command: 'backup' | 'restore',
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [join(ROOT, `dist/apps/rule-manager/src/${command}.js`), ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.once('exit', (code) => done({ code, output }));
  });
}

/** A raw MQTT 3.1.1 connection that resolves once CONNACK "accepted" arrived. */
export function connectRaw(port: number, clientId: string): Promise<Socket> {
  return new Promise((resolveSocket, reject) => {
    const socket = createConnection(port, '127.0.0.1');
    let received = Buffer.alloc(0);
    socket.on('error', reject);
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 4) return;
      if (received.subarray(0, 4).equals(CONNACK)) resolveSocket(socket);
      else reject(new Error(`${clientId}: CONNACK ${received.toString('hex')}`));
    });
    socket.write(generate({ cmd: 'connect', clientId, protocolVersion: 4, clean: true, keepalive: 300 }));
  });
}

/**
 * Connects `ids` in windows of `window` (a short pause between them, so a storm lasts seconds), then closes each
 * (even ones with DISCONNECT, odd ones by dropping the socket). `acked` gets each client whose CONNACK arrived.
 */
export async function connectStorm(port: number, ids: string[], acked: Set<string>, window = 50) {
  const sockets: Socket[] = [];
  for (let start = 0; start < ids.length; start += window) {
    const batch = ids.slice(start, start + window);
    const opened = await Promise.all(
      batch.map(async (id) => {
        const socket = await connectRaw(port, id);
        acked.add(id);
        return socket;
      }),
    );
    sockets.push(...opened);
    await new Promise((pause) => setTimeout(pause, 200));
  }
  sockets.forEach((socket, i) => {
    if (i % 2 === 0) socket.end(generate({ cmd: 'disconnect' }));
    else socket.destroy();
  });
}

/** Every event at or below `toPosition` (default: all), in position order. */
export async function allEvents(
  store: EventStore,
  filter?: ReadAllFilter,
  toPosition?: number,
): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for (;;) {
    const batch = await store.readAll(events.at(-1)?.position ?? 0, {
      limit: 5_000,
      ...(filter && { filter }),
      ...(toPosition !== undefined && { toPosition }),
    });
    if (batch.length === 0) return events;
    events.push(...batch);
  }
}

/**
 * The client-status read model as stored, and as the stored events up to its checkpoint say it must be: what
 * a consistent copy of the store keeps equal.
 */
export async function clientStatusReadModel(store: EventStore) {
  const checkpoint = await store.loadCheckpoint(CLIENT_STATUS_PROJECTION);
  const expected = new Map<string, ClientStatus>();
  for (const event of await allEvents(store, { streamPrefixes: ['client-'] }, checkpoint)) {
    if (!isPresenceEventType(event.type)) continue;
    const data = event.data as PresenceEventData;
    const status = expected.get(data.clientId) ?? emptyClientStatus(data.clientId);
    expected.set(data.clientId, evolveClientStatus(status, { type: event.type, seq: event.version, data }));
  }
  const stored = await store.readDocuments(CLIENT_STATUS_COLLECTIONS.clients, { limit: 100_000 });
  const online = await store.readDocuments(CLIENT_STATUS_COLLECTIONS.onlineClients, { limit: 100_000 });
  return {
    checkpoint,
    stored: stored.map(({ document }) => {
      const { groupId: _groupId, ...status } = document;
      return status;
    }),
    expected: [...expected.values()]
      .sort((a, b) => (a.clientId < b.clientId ? -1 : 1))
      .map((status) => ({ ...status, online: openChannels(status).length > 0 })),
    online: online.map(({ id }) => id),
    expectedOnline: [...expected.values()]
      .filter((status) => openChannels(status).length > 0)
      .map((status) => status.clientId)
      .sort(),
  };
}

/** Drops the schemas of a PostgreSQL test store, the one moved aside by a restore included. */
export async function dropSchemas(url: string, prefix: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(
      'SELECT nspname AS name FROM pg_namespace WHERE starts_with(nspname, $1)',
      [prefix],
    );
    for (const { name } of rows) await client.query(`DROP SCHEMA "${name}" CASCADE`);
  } finally {
    await client.end();
  }
}

// Fills a store fast with old presence events by direct SQL (not through the apps): `count` ClientConnected events
// spread over 100,000 client streams, happened `ageMs` ago and before, with their streams' versions. For the
// retention bench: a store of millions of events in minutes instead of hours of connects.
import Database from 'better-sqlite3';
import pg from 'pg';

const CLIENTS = 100_000;
const CHUNK = 200_000;

/** Seeds the store at `url` (its schema already created by opening it once). */
export async function seedOldEvents(url, count, ageMs) {
  const since = Date.now() - ageMs - count;
  if (url.startsWith('sqlite:')) seedSqlite(url.slice('sqlite:'.length), count, since);
  else await seedPostgres(url, count, since);
}

function seedSqlite(path, count, since) {
  const db = new Database(path, { timeout: 30_000 });
  db.pragma('journal_mode = WAL');
  const insert = db.prepare(
    'INSERT INTO events (event_id, stream, version, type, data, metadata) VALUES (?, ?, ?, ?, ?, ?)',
  );
  for (let start = 0; start < count; start += CHUNK) {
    db.transaction(() => {
      for (let i = start; i < Math.min(count, start + CHUNK); i++) {
        const client = `GID_seed@@@dev-${i % CLIENTS}`;
        const data = {
          clientId: client,
          channelId: String(i).padStart(32, '0'),
          clientIp: '10.0.0.1:1',
          time: since + i,
          reason: 'accepted',
        };
        const metadata = { actor: 'presence-ingest', occurredAt: since + i };
        insert.run(
          `seed-${i}`,
          `client-${client}`,
          Math.floor(i / CLIENTS) + 1,
          'ClientConnected',
          JSON.stringify(data),
          JSON.stringify(metadata),
        );
      }
    }).immediate();
  }
  db.exec(
    `INSERT INTO streams (stream, version) SELECT stream, max(version) FROM events WHERE event_id LIKE 'seed-%'
     GROUP BY stream ON CONFLICT (stream) DO UPDATE SET version = excluded.version`,
  );
  db.close();
}

async function seedPostgres(url, count, since) {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema');
  parsed.searchParams.delete('schema');
  const client = new pg.Client(parsed.toString());
  await client.connect();
  const events = `"${schema}".events`;
  const { rowCount: partitioned } = await client.query('SELECT 1 FROM pg_class WHERE oid = to_regclass($1)', [
    `"${schema}".event_layout`,
  ]);
  // The partitioned layout (decision 16) needs its ranges made for the positions: through the store's import.
  if (partitioned) await seedThroughImport(url, count, since);
  for (let start = 0; start < (partitioned ? 0 : count); start += CHUNK) {
    await client.query(
      `INSERT INTO ${events} (event_id, stream, version, type, data, metadata)
       SELECT 'seed-' || g, 'client-GID_seed@@@dev-' || (g % $3), g / $3 + 1, 'ClientConnected',
              jsonb_build_object('clientId', 'GID_seed@@@dev-' || (g % $3), 'channelId', lpad(g::text, 32, '0'),
                                 'clientIp', '10.0.0.1:1', 'time', $4::bigint + g, 'reason', 'accepted'),
              jsonb_build_object('actor', 'presence-ingest', 'occurredAt', $4::bigint + g)
       FROM generate_series($1::bigint, $2::bigint) AS g`,
      [start, Math.min(count, start + CHUNK) - 1, CLIENTS, since],
    );
  }
  await client.query(
    `INSERT INTO "${schema}".streams (stream, version) SELECT stream, max(version) FROM ${events}
     WHERE event_id LIKE 'seed-%' GROUP BY stream ON CONFLICT (stream) DO UPDATE SET version = excluded.version`,
  );
  await client.end();
}

async function seedThroughImport(url, count, since) {
  const { openEventStore } = await import('../../dist/libs/event-store/src/index.js');
  const store = await openEventStore(url);
  const head = await store.headPosition();
  for (let start = 0; start < count; start += CHUNK / 10) {
    const events = [];
    for (let i = start; i < Math.min(count, start + CHUNK / 10); i++) {
      const client = `GID_seed@@@dev-${i % CLIENTS}`;
      const data = { clientId: client, channelId: String(i).padStart(32, '0'), clientIp: '10.0.0.1:1' };
      events.push({
        position: head + 1 + i,
        stream: `client-${client}`,
        version: Math.floor(i / CLIENTS) + 1,
        eventId: `seed-${i}`,
        type: 'ClientConnected',
        data: { ...data, time: since + i, reason: 'accepted' },
        metadata: { actor: 'presence-ingest', occurredAt: since + i },
      });
    }
    await store.importRows({ events });
  }
  await store.sealImport(head + count, 0);
  await store.close();
}

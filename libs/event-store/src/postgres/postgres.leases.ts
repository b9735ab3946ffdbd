import type pg from 'pg';
import type { Lease } from '../event-store.port.js';
import type { PostgresNames } from './postgres.names.js';
import { prefixPattern } from './postgres.queries.js';

/** Leases and batched checkpoints in the store's schema; each call is one statement, so one transaction. */
export class PostgresLeases {
  constructor(
    private readonly pool: pg.Pool,
    private readonly names: PostgresNames,
  ) {}

  async acquire(owner: string, names: string[], ttlMs: number, now: number): Promise<string[]> {
    if (names.length === 0) return [];
    // The upsert's WHERE is the compare-and-set; a conflicting row is locked and re-checked after a concurrent
    // writer commits. Names go in sorted so two owners asking for the same set never deadlock.
    const { rows } = await this.pool.query<{ name: string }>(
      `INSERT INTO ${this.names.leases} (name, owner, expires_at)
       SELECT name, $2, $3 FROM unnest($1::text[]) AS asked(name) ORDER BY name
       ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
       WHERE ${this.names.leases}.owner = excluded.owner OR ${this.names.leases}.expires_at <= $4
       RETURNING name`,
      [[...names].sort(), owner, now + ttlMs, now],
    );
    const held = new Set(rows.map((row) => row.name));
    return names.filter((name) => held.has(name));
  }

  async release(owner: string, names: string[]): Promise<void> {
    await this.pool.query(`DELETE FROM ${this.names.leases} WHERE owner = $1 AND name = ANY ($2::text[])`, [
      owner,
      names,
    ]);
  }

  async read(prefix: string): Promise<Lease[]> {
    const { rows } = await this.pool.query<{ name: string; owner: string; expires_at: string }>(
      `SELECT name, owner, expires_at FROM ${this.names.leases} WHERE name LIKE $1 ORDER BY name`,
      [prefixPattern(prefix)],
    );
    return rows.map((row) => ({ name: row.name, owner: row.owner, expiresAt: Number(row.expires_at) }));
  }

  async saveCheckpoints(checkpoints: { name: string; position: number }[]): Promise<void> {
    if (checkpoints.length === 0) return;
    await this.pool.query(
      `INSERT INTO ${this.names.checkpoints} (name, position)
       SELECT * FROM unnest($1::text[], $2::bigint[])
       ON CONFLICT (name) DO UPDATE SET position = excluded.position`,
      [checkpoints.map((c) => c.name), checkpoints.map((c) => c.position)],
    );
  }
}

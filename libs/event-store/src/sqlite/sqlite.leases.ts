import type Database from 'better-sqlite3';
import type { Lease } from '../event-store.port.js';

/** Leases in the SQLite file; each call is one IMMEDIATE transaction. */
export class SqliteLeases {
  private readonly take;
  private readonly release;
  private readonly list;

  constructor(private readonly db: Database.Database) {
    // The WHERE of the upsert is the compare-and-set: a row held by another owner, not yet expired, stays.
    this.take = db.prepare<[string, string, number, number]>(
      `INSERT INTO leases (name, owner, expires_at) VALUES (?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
       WHERE leases.owner = excluded.owner OR leases.expires_at <= ?`,
    );
    this.release = db.prepare<[string, string]>('DELETE FROM leases WHERE name = ? AND owner = ?');
    this.list = db.prepare<[{ prefix: string }], { name: string; owner: string; expires_at: number }>(
      'SELECT name, owner, expires_at FROM leases WHERE substr(name, 1, length(@prefix)) = @prefix ORDER BY name',
    );
  }

  acquire(owner: string, names: string[], ttlMs: number, now: number): string[] {
    return this.db
      .transaction(() => names.filter((name) => this.take.run(name, owner, now + ttlMs, now).changes > 0))
      .immediate();
  }

  releaseAll(owner: string, names: string[]): void {
    this.db.transaction(() => names.forEach((name) => this.release.run(name, owner))).immediate();
  }

  read(prefix: string): Lease[] {
    return this.list
      .all({ prefix })
      .map((row) => ({ name: row.name, owner: row.owner, expiresAt: row.expires_at }));
  }
}

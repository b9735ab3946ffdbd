import type pg from 'pg';
import { inTransaction } from './postgres.connection.js';
import type { PostgresNames } from './postgres.names.js';
import { prefixPattern } from './postgres.queries.js';

type Removal = { removed: number; remaining: boolean };

/**
 * Removal of old events of the expiring streams: at most `limit` rows per short transaction, without the
 * append lock (a DELETE of committed rows below the readers cannot reorder what appenders commit).
 * `streams` is never touched, so a stream's version continues. The horizon only ever rises.
 */
export class PostgresRetention {
  private readonly patterns: string[];

  constructor(
    private readonly pool: pg.Pool,
    private readonly names: PostgresNames,
    prefixes: readonly string[],
  ) {
    this.patterns = prefixes.map(prefixPattern);
  }

  async removeExpired(through: number, limit: number): Promise<Removal> {
    if (this.patterns.length === 0) return { removed: 0, remaining: false };
    const { events } = this.names;
    return inTransaction(this.pool, async (client) => {
      const head = await this.headOf(client);
      // Everything expiring at or below the horizon is gone: scanning from it skips the dead rows of earlier
      // batches, which autovacuum may not have reclaimed yet (from position 0 each batch got slower).
      const from = await this.lockedHorizon(client);
      const { rows } = await client.query<{ position: string }>(
        `DELETE FROM ${events} WHERE position IN (
           SELECT position FROM ${events} WHERE position > $4 AND position <= $1 AND stream LIKE ANY ($2::text[])
           ORDER BY position LIMIT $3)
         RETURNING position`,
        [through, this.patterns, Math.max(0, limit), from],
      );
      const removed = rows.map((row) => Number(row.position));
      const remaining = await this.anyLeft(
        client,
        removed.reduce((a, b) => Math.max(a, b), from),
        through,
      );
      if (removed.length > 0 || !remaining) {
        // Everything expiring up to `through` is gone unless some remain; never beyond what was appended.
        const reached = remaining ? removed.reduce((a, b) => Math.max(a, b)) : Math.min(through, head);
        await this.raise(client, reached);
      }
      return { removed: removed.length, remaining };
    });
  }

  async horizon(): Promise<number> {
    const { rows } = await this.pool.query<{ horizon: string }>(
      `SELECT horizon FROM ${this.names.retention} WHERE id = 1`,
    );
    return rows.length > 0 ? Number(rows[0].horizon) : 0;
  }

  private async headOf(client: pg.PoolClient): Promise<number> {
    const { rows } = await client.query<{ head: string }>(
      `SELECT coalesce(max(position), 0) AS head FROM ${this.names.events}`,
    );
    return Number(rows[0].head);
  }

  /** The horizon, locked until the transaction ends so that two removers take turns. */
  private async lockedHorizon(client: pg.PoolClient): Promise<number> {
    const { rows } = await client.query<{ horizon: string }>(
      `SELECT horizon FROM ${this.names.retention} WHERE id = 1 FOR UPDATE`,
    );
    return rows.length > 0 ? Number(rows[0].horizon) : 0;
  }

  private async anyLeft(client: pg.PoolClient, after: number, through: number): Promise<boolean> {
    const { rows } = await client.query<{ left: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM ${this.names.events}
                      WHERE position > $3 AND position <= $1 AND stream LIKE ANY ($2::text[])) AS left`,
      [through, this.patterns, after],
    );
    return rows[0].left;
  }

  private async raise(client: pg.PoolClient, horizon: number): Promise<void> {
    await client.query(
      `INSERT INTO ${this.names.retention} (id, horizon) VALUES (1, $1)
       ON CONFLICT (id) DO UPDATE SET horizon = greatest(${this.names.retention}.horizon, excluded.horizon)`,
      [horizon],
    );
  }
}

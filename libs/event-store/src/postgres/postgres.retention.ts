import type pg from 'pg';
import { inTransaction } from './postgres.connection.js';
import type { PostgresNames } from './postgres.names.js';
import { prefixPattern } from './postgres.queries.js';
import type { PositionRanges } from './postgres.ranges.js';

type Removal = { removed: number; remaining: boolean };

/**
 * Removal of old events of the expiring streams: at most `limit` rows per short transaction, without the
 * append lock (removing committed rows below the readers cannot reorder what appenders commit).
 * `streams` is never touched, so a stream's version continues. The horizon only ever rises.
 *
 * Plain layout: the rows are deleted. Partitioned layout (decision 16): nothing is deleted; raising the horizon
 * hides them from every read, and a range is detached and dropped once the horizon is past its end.
 */
export class PostgresRetention {
  private readonly patterns: string[];
  /** Expiring events after $1, at most $2 and no more than $3; `expiring` is the partitioned layout's flag. */
  private readonly expiring: string;

  constructor(
    private readonly pool: pg.Pool,
    private readonly names: PostgresNames,
    prefixes: readonly string[],
    private readonly ranges?: PositionRanges,
  ) {
    this.patterns = prefixes.map(prefixPattern);
    this.expiring = ranges
      ? `${names.eventsExpiring} WHERE position > $1 AND position <= $2`
      : `${names.events} WHERE position > $1 AND position <= $2 AND stream LIKE ANY ($3::text[])`;
  }

  async removeExpired(through: number, limit: number): Promise<Removal> {
    if (this.patterns.length === 0 && !this.ranges) return { removed: 0, remaining: false };
    const removal = await inTransaction(this.pool, async (client) => {
      const head = await this.headOf(client);
      // Everything expiring at or below the horizon is gone: scanning from it skips the dead rows of earlier
      // batches, which autovacuum may not have reclaimed yet (from position 0 each batch got slower).
      const from = await this.lockedHorizon(client);
      const removed = await this.remove(client, from, through, Math.max(0, limit));
      const remaining = await this.anyLeft(
        client,
        removed.reduce((a, b) => Math.max(a, b), from),
        through,
      );
      let reached = from;
      if (removed.length > 0 || !remaining) {
        // Everything expiring up to `through` is gone unless some remain; never beyond what was appended.
        reached = remaining ? removed.reduce((a, b) => Math.max(a, b)) : Math.min(through, head);
        await this.raise(client, reached);
      }
      return { removed: removed.length, remaining, reached };
    });
    if (this.ranges) await this.ranges.dropThrough(removal.reached);
    return { removed: removal.removed, remaining: removal.remaining };
  }

  /** The positions removed, oldest first. */
  private async remove(client: pg.PoolClient, from: number, through: number, limit: number) {
    const values = [from, through, ...(this.ranges ? [] : [this.patterns]), limit];
    const chosen = `SELECT position FROM ${this.expiring} ORDER BY position LIMIT $${values.length}`;
    const { rows } = await client.query<{ position: string }>(
      this.ranges
        ? chosen
        : `DELETE FROM ${this.names.events} WHERE position IN (${chosen}) RETURNING position`,
      values,
    );
    return rows.map((row) => Number(row.position));
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
      `SELECT EXISTS (SELECT 1 FROM ${this.expiring}) AS left`,
      [after, through, ...(this.ranges ? [] : [this.patterns])],
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

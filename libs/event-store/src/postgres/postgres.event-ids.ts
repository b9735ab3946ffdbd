import type pg from 'pg';
import { DuplicateEventError } from '../errors.js';
import type { PostgresNames } from './postgres.names.js';

interface Bounds {
  first: number;
  min: Buffer;
  max: Buffer;
}

/**
 * Event IDs stay unique across the partitioned layout's tables without a global index (PostgreSQL has none for
 * partitions) and without a lookup per event. Each table's own unique index covers the rows that land in it;
 * what is left, run under the append lock after the insert:
 * - expiring events against events_kept, when one is not above its highest event ID (read with the versions);
 * - kept events (control plane: rare) against every range;
 * - expiring events against the closed ranges whose [min, max] event IDs hold one of them. IDs start with their
 *   time (UUIDv7, and v8 for outcomes), so a new one is above every closed range and nothing is looked up;
 *   an outcome of an older event falls in the last range or two. A range's bounds are written once, by the
 *   first append past it, from the ends of its event-ID index.
 */
export class EventIdCheck {
  /** First position of the range the last append reached; the bounds of every range below it are known. */
  private current = 0;
  private closed: Bounds[] = [];

  constructor(
    private readonly names: PostgresNames,
    private readonly ranges: { size: number; firstOf(position: number): number },
  ) {}

  /** `keptMax`: the highest event ID in events_kept before this append's rows went in. */
  async check(
    client: pg.PoolClient,
    rows: { eventId: string; expiring: boolean; position: number }[],
    keptMax: string | undefined,
  ): Promise<void> {
    const expiring = rows.filter((row) => row.expiring);
    const kept = rows.filter((row) => !row.expiring).map((row) => row.eventId);
    if (kept.length > 0) await this.lookUp(client, this.names.eventsExpiring, 'TRUE', [kept]);
    if (expiring.length === 0) return;
    const ids = expiring.map((row) => Buffer.from(row.eventId));
    const low = ids.reduce((a, b) => (Buffer.compare(a, b) <= 0 ? a : b));
    const high = ids.reduce((a, b) => (Buffer.compare(a, b) >= 0 ? a : b));
    const expiringIds = expiring.map((row) => row.eventId);
    if (keptMax !== undefined && Buffer.compare(low, Buffer.from(keptMax)) <= 0)
      await this.lookUp(client, this.names.eventsKept, 'TRUE', [expiringIds]);
    const top = this.ranges.firstOf(Math.max(...expiring.map((row) => row.position)));
    if (top > this.current) await this.learn(client, top);
    const candidates = this.closed.filter(
      (range) => Buffer.compare(range.min, high) <= 0 && Buffer.compare(range.max, low) >= 0,
    );
    if (candidates.length === 0) return;
    // Below the batch's first position: its own rows in a range it just closed are not duplicates.
    const below = Math.min(...expiring.map((row) => row.position));
    await this.lookUp(client, this.names.eventsExpiring, 'position >= $2 AND position < $3', [
      expiringIds,
      Math.min(...candidates.map((range) => range.first)),
      below,
    ]);
  }

  private async lookUp(client: pg.PoolClient, table: string, where: string, values: unknown[]) {
    const { rows } = await client.query<{ event_id: string }>(
      `SELECT event_id FROM ${table} WHERE ${where} AND event_id = ANY ($1::text[]) LIMIT 1`,
      values,
    );
    if (rows.length > 0) throw new DuplicateEventError(rows[0].event_id);
  }

  /**
   * Writes the bounds of the ranges below `top` that have none yet and loads them all. Ranges retention is past
   * are skipped (their events are removed; they may be dropped meanwhile). Each is read through the parent with
   * its bounds as parameters, so the plan holds that one table (a correlated bound would scan every range's
   * index) and a range dropped meanwhile reads as empty instead of failing the append.
   */
  private async learn(client: pg.PoolClient, top: number): Promise<void> {
    const { ranges, eventsExpiring, retention, schema } = this.names;
    const missing = await client.query<{ first: string }>(
      `SELECT first FROM (
         SELECT substring(c.relname FROM 13)::bigint AS first
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_inherits i ON i.inhrelid = c.oid AND NOT i.inhdetachpending
         WHERE n.nspname = $3 AND c.relkind = 'r' AND c.relname LIKE 'events\\_from\\_%') AS range
       WHERE first < $1 AND first + $2 - 1 > (SELECT coalesce(max(horizon), 0) FROM ${retention})
         AND NOT EXISTS (SELECT 1 FROM ${ranges} WHERE first_position = first)`,
      [top, this.ranges.size, schema],
    );
    for (const { first } of missing.rows) {
      await client.query(
        `INSERT INTO ${ranges} (first_position, min_event_id, max_event_id)
         SELECT $1, min(event_id), max(event_id) FROM ${eventsExpiring} WHERE position >= $1 AND position < $2
         ON CONFLICT (first_position) DO NOTHING`,
        [Number(first), Number(first) + this.ranges.size],
      );
    }
    const { rows } = await client.query<{ first: string; min: string | null; max: string | null }>(
      `SELECT first_position AS first, min_event_id AS min, max_event_id AS max FROM ${ranges}
       WHERE first_position < $1 AND min_event_id IS NOT NULL`,
      [top],
    );
    this.closed = rows.map((row) => ({
      first: Number(row.first),
      min: Buffer.from(row.min ?? ''),
      max: Buffer.from(row.max ?? ''),
    }));
    this.current = top;
  }
}

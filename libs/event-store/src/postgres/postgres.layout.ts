import type pg from 'pg';
import type { PostgresNames } from './postgres.names.js';
import { EventIdCheck } from './postgres.event-ids.js';
import { PositionRanges } from './postgres.ranges.js';

/**
 * How `events` is laid out (decision 16). `plain`: one table, retention deletes rows (stores made before).
 * `partitioned`: events_kept (never removed) and events_expiring, itself split in position ranges of
 * `rangeEvents` that retention drops whole; `expiring` is set at append from the store's own prefixes.
 */
export type EventsLayout = { partitioned: false } | PartitionedLayout;

export interface PartitionedLayout {
  partitioned: true;
  rangeEvents: number;
  prefixes: readonly string[];
}

/** What the partitioned layout adds to appends, imports and removal; undefined for the plain table. */
export interface PartitionedAppends {
  layout: PartitionedLayout;
  ranges: PositionRanges;
  eventIds: EventIdCheck;
}

export function partitionedAppends(
  pool: pg.Pool,
  names: PostgresNames,
  layout: EventsLayout,
  onError: (error: Error) => void,
  retryMs?: number,
): PartitionedAppends | undefined {
  if (!layout.partitioned) return undefined;
  const ranges = new PositionRanges(pool, names, layout.rangeEvents, onError, retryMs);
  return { layout, ranges, eventIds: new EventIdCheck(names, ranges) };
}

/** A store made by this version gets the partitioned layout with ranges of this many positions. */
export const DEFAULT_RANGE_EVENTS = 10_000_000;

export async function readLayout(pool: pg.Pool, names: PostgresNames): Promise<EventsLayout> {
  const found = await pool.query('SELECT 1 FROM pg_class WHERE oid = to_regclass($1)', [names.layout]);
  if (found.rowCount === 0) return { partitioned: false };
  const { rows } = await pool.query<{ range_events: string; expiring_prefixes: string[] }>(
    `SELECT range_events, expiring_prefixes FROM ${names.layout} WHERE id = 1`,
  );
  if (rows.length === 0) throw new Error(`${names.layout} is empty: the store's layout is unknown`);
  return {
    partitioned: true,
    rangeEvents: Number(rows[0].range_events),
    prefixes: rows[0].expiring_prefixes,
  };
}

export function isExpiring(layout: PartitionedLayout, stream: string): boolean {
  return layout.prefixes.some((prefix) => stream.startsWith(prefix));
}

/**
 * Rows retention has passed but whose range is not dropped yet are still in the table: every read skips them.
 * On the plain layout they are deleted, so nothing is filtered.
 */
export function visibleEvents(layout: { partitioned: boolean }, names: PostgresNames): string {
  if (!layout.partitioned) return 'TRUE';
  return `(NOT expiring OR position > (SELECT coalesce(max(horizon), 0) FROM ${names.retention}))`;
}

/**
 * The expiring prefixes the store appends with are its own, whichever process opens it: a process opened with
 * a different non-empty list (a new version adding a prefix) replaces them; events already stored keep their
 * half (a newly expiring prefix's older events stay kept).
 */
export async function adoptPrefixes(
  pool: pg.Pool,
  names: PostgresNames,
  layout: PartitionedLayout,
  prefixes: readonly string[],
): Promise<PartitionedLayout> {
  const same =
    prefixes.length === layout.prefixes.length && prefixes.every((p, i) => p === layout.prefixes[i]);
  if (prefixes.length === 0 || same) return layout;
  await pool.query(`UPDATE ${names.layout} SET expiring_prefixes = $1 WHERE id = 1`, [[...prefixes]]);
  return { ...layout, prefixes };
}

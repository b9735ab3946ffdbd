import type Database from 'better-sqlite3';

type Removal = { removed: number; remaining: boolean };

/** How the file gives freed pages back: `none` keeps them for reuse (the file stops growing, never shrinks). */
export type AutoVacuum = 'none' | 'full' | 'incremental';
const AUTO_VACUUM_MODES: AutoVacuum[] = ['none', 'full', 'incremental'];

/**
 * Pages handed back to the file system with each removal batch. Bounded so the write lock is held briefly
 * (moving a page is a read and a write); a batch of 1,000 presence events frees about a hundred.
 */
const VACUUM_PAGES_PER_BATCH = 1000;

/**
 * Removal of old events of the expiring streams, in the same file as the events. Each call is one short
 * IMMEDIATE transaction of at most `limit` deletes and a bounded incremental vacuum, so appends (this process
 * or another, the append thread) wait at most that long for the write lock. `streams` is never touched: a stream's version continues.
 * The horizon lives in the one-row `retention` table and only ever rises.
 */
export class SqliteRetention {
  private readonly remove;
  private readonly anyLeft;
  private readonly head;
  private readonly raise;
  private readonly current;

  constructor(
    private readonly db: Database.Database,
    private readonly prefixes: readonly string[],
  ) {
    const expiring = expiringCondition(prefixes.length);
    this.remove = db.prepare<[Record<string, string | number>], { position: number }>(
      `DELETE FROM events WHERE position IN (
         SELECT position FROM events WHERE position <= @through AND ${expiring} ORDER BY position LIMIT @limit
       ) RETURNING position`,
    );
    this.anyLeft = db.prepare<[Record<string, string | number>], { found: 1 }>(
      `SELECT 1 AS found FROM events WHERE position <= @through AND ${expiring} LIMIT 1`,
    );
    this.head = db.prepare<[], { head: number }>('SELECT coalesce(max(position), 0) AS head FROM events');
    this.raise = db.prepare<[number]>(
      `INSERT INTO retention (id, horizon) VALUES (1, ?)
       ON CONFLICT (id) DO UPDATE SET horizon = max(horizon, excluded.horizon)`,
    );
    this.current = db.prepare<[], { horizon: number }>('SELECT horizon FROM retention WHERE id = 1');
  }

  removeExpired(through: number, limit: number): Removal {
    if (this.prefixes.length === 0 || limit <= 0) return { removed: 0, remaining: this.left(through) };
    const vacuums = this.autoVacuum() === 'incremental';
    // One transaction for both: each commit costs an fsync, which is most of a batch's time.
    return this.db
      .transaction((): Removal => {
        const removal = this.removeBatch(through, limit);
        if (removal.removed > 0 && vacuums) this.db.pragma(`incremental_vacuum(${VACUUM_PAGES_PER_BATCH})`);
        return removal;
      })
      .immediate();
  }

  /** Read from the file each time: a VACUUM by the operator may have switched it meanwhile. */
  autoVacuum(): AutoVacuum {
    return AUTO_VACUUM_MODES[this.db.pragma('auto_vacuum', { simple: true }) as number] ?? 'none';
  }

  private removeBatch(through: number, limit: number): Removal {
    const head = this.head.get()!.head;
    const removed = this.remove.all(this.parameters(through, limit)).map((row) => row.position);
    const remaining = this.left(through);
    if (removed.length > 0 || !remaining) {
      // Everything expiring up to `through` is gone unless some remain; never beyond what was appended.
      const reached = remaining ? removed.reduce((a, b) => Math.max(a, b)) : Math.min(through, head);
      this.raise.run(reached);
    }
    return { removed: removed.length, remaining };
  }

  horizon(): number {
    return this.current.get()?.horizon ?? 0;
  }

  private left(through: number): boolean {
    if (this.prefixes.length === 0) return false;
    return this.anyLeft.get(this.parameters(through, 1)) !== undefined;
  }

  private parameters(through: number, limit: number): Record<string, string | number> {
    const parameters: Record<string, string | number> = { through, limit };
    this.prefixes.forEach((prefix, index) => (parameters[`p${index}`] = prefix));
    return parameters;
  }
}

/** As readAll's prefix filter: substr, not LIKE (case-insensitive, with wildcards) nor a range. */
function expiringCondition(count: number): string {
  if (count === 0) return '0';
  const prefixes = Array.from({ length: count }, (_, index) => `@p${index}`);
  return `(${prefixes.map((p) => `substr(stream, 1, length(${p})) = ${p}`).join(' OR ')})`;
}

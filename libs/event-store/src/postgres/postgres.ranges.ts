import type pg from 'pg';
import { checkOut, inTransaction } from './postgres.connection.js';
import type { PostgresNames } from './postgres.names.js';

/** Ranges kept ready beyond the one taking appends, so an append never waits for DDL. */
const AHEAD = 2;
/** DDL waits at most this long for its lock, then gives up and is tried again later (never holds appends up). */
const LOCK_TIMEOUT = "SET lock_timeout = '500ms'";
const RANGE_NAME = /^events_from_(\d+)$/;

interface RangeTable {
  first: number;
  name: string;
  /** attached, being detached (DETACH … CONCURRENTLY interrupted), or detached but not dropped. */
  state: 'attached' | 'pending' | 'detached';
}

/**
 * The position ranges of events_expiring: fixed spans (`first` = k × size + 1), so any process knows which range
 * a position falls in without asking the catalog. Ranges are created ahead in the background as a plain table
 * and then ATTACHed (SHARE UPDATE EXCLUSIVE on the parent: appends and reads go on; CREATE TABLE … PARTITION OF
 * would take ACCESS EXCLUSIVE), and dropped by DETACH … CONCURRENTLY then DROP of the detached table (a DROP of
 * an attached partition also locks the parent exclusively, which queued every append behind the slowest reader).
 */
export class PositionRanges {
  /** First position of the highest range known to exist. */
  private highest = 0;
  /** Every range below this first position is known to be gone. */
  private clearedBelow = 1;
  private creating: Promise<void> | undefined;
  /** After a failed attempt, no other before these times (ms): a lasting failure is tried and reported every `retryMs`. */
  private retryAt = 0;
  private dropRetryAt = 0;

  constructor(
    private readonly pool: pg.Pool,
    private readonly names: PostgresNames,
    readonly size: number,
    private readonly onError: (error: Error) => void,
    private readonly retryMs = 10_000,
  ) {}

  firstOf(position: number): number {
    return Math.floor((Math.max(position, 1) - 1) / this.size) * this.size + 1;
  }

  /** After an append that reached `position`: the next ranges are made in the background if missing. */
  keepAhead(position: number): void {
    const wanted = this.firstOf(position) + AHEAD * this.size;
    if (wanted <= this.highest || this.creating || Date.now() < this.retryAt) return;
    this.creating = this.create(this.following(position), LOCK_TIMEOUT)
      .catch((error: Error) => {
        this.retryAt = Date.now() + this.retryMs;
        this.onError(
          new Error(`could not make the position ranges ahead yet (tried again later): ${error.message}`),
        );
      })
      .finally(() => (this.creating = undefined));
  }

  /** Makes every range from the lowest to the highest of `positions` and those ahead, waiting for the lock. */
  async ensure(positions: number[]): Promise<void> {
    if (positions.length === 0) return;
    const firsts: number[] = [];
    const [low, high] = [Math.min(...positions), Math.max(...positions)];
    for (let first = this.firstOf(low); first <= high; first += this.size) firsts.push(first);
    await this.create([...new Set([...firsts, ...this.following(high)])], 'SET lock_timeout = 0');
  }

  /** Detaches and drops every range wholly at or below `horizon`; a range that cannot be yet is tried later. */
  async dropThrough(horizon: number): Promise<number> {
    const below = this.firstOf(horizon + 1);
    if (below <= this.clearedBelow || Date.now() < this.dropRetryAt) return 0;
    let dropped = 0;
    for (const range of await this.tables()) {
      if (range.first + this.size - 1 > horizon) continue;
      if (!(await this.drop(range))) {
        this.dropRetryAt = Date.now() + this.retryMs;
        return dropped;
      }
      dropped += 1;
    }
    this.clearedBelow = below;
    return dropped;
  }

  private following(position: number): number[] {
    const first = this.firstOf(position);
    return Array.from({ length: AHEAD + 1 }, (_, i) => first + i * this.size);
  }

  private async create(firsts: number[], lockTimeout: string): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      await client.query(`${lockTimeout.replace('SET', 'SET LOCAL')};
        LOCK TABLE ${this.names.eventsExpiring} IN SHARE UPDATE EXCLUSIVE MODE`);
      const existing = new Set((await this.tables(client)).map((range) => range.first));
      for (const first of firsts.filter((first) => first >= this.clearedBelow && !existing.has(first))) {
        await createRange(client, this.names, first, this.size);
      }
      this.highest = Math.max(this.highest, ...existing, ...firsts);
    });
  }

  private async drop(range: RangeTable): Promise<boolean> {
    const { eventsExpiring, schema, ranges } = this.names;
    const table = `"${schema}".${range.name}`;
    // DETACH … CONCURRENTLY cannot run in a transaction block: a connection of its own, session settings.
    const client = await checkOut(this.pool);
    try {
      await client.query(LOCK_TIMEOUT);
      if (range.state === 'attached')
        await client.query(`ALTER TABLE ${eventsExpiring} DETACH PARTITION ${table} CONCURRENTLY`);
      if (range.state === 'pending')
        await client.query(`ALTER TABLE ${eventsExpiring} DETACH PARTITION ${table} FINALIZE`);
      await client.query(`DROP TABLE ${table}`);
      await client.query(`DELETE FROM ${ranges} WHERE first_position = $1`, [range.first]);
      await client.query('RESET lock_timeout');
      client.release();
      return true;
    } catch (error) {
      client.release(true);
      this.onError(new Error(`could not drop ${table} yet (tried again later): ${(error as Error).message}`));
      return false;
    }
  }

  /** The range tables of the schema, attached or not, lowest first. */
  private async tables(client: pg.ClientBase | pg.Pool = this.pool): Promise<RangeTable[]> {
    const { rows } = await client.query<{ name: string; inherits: boolean | null; pending: boolean | null }>(
      `SELECT c.relname AS name, i.inhrelid IS NOT NULL AS inherits, i.inhdetachpending AS pending
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_inherits i ON i.inhrelid = c.oid
       WHERE n.nspname = $1 AND c.relkind = 'r' AND c.relname LIKE 'events\\_from\\_%'`,
      [this.names.schema],
    );
    return rows
      .flatMap((row) => {
        const match = RANGE_NAME.exec(row.name);
        if (!match) return [];
        const state = !row.inherits ? 'detached' : row.pending ? 'pending' : 'attached';
        return [{ first: Number(match[1]), name: row.name, state } as RangeTable];
      })
      .sort((a, b) => a.first - b.first);
  }
}

/** One range: a table like events with its own key and unique indexes (see createPartitioned), attached. */
export async function createRange(client: pg.ClientBase, names: PostgresNames, first: number, size: number) {
  const { name, qualified } = names.rangeTable(first);
  await client.query(`
    CREATE TABLE ${qualified} (LIKE ${names.events} INCLUDING DEFAULTS);
    ALTER TABLE ${qualified} ADD PRIMARY KEY (position), ADD CONSTRAINT ${name}_event_id_unique UNIQUE (event_id),
      ADD CONSTRAINT ${name}_stream_version_unique UNIQUE (stream, version);
    ALTER TABLE ${names.eventsExpiring} ATTACH PARTITION ${qualified}
      FOR VALUES FROM (${first}) TO (${first + size})`);
}

import type pg from 'pg';

const absorb = () => undefined;

/**
 * A pooled connection for a transaction. While a connection is checked out, pg reports its loss (PostgreSQL
 * restarting, the backend terminated) twice: the query in flight fails, and the client emits 'error'. The pool
 * only listens for that event on idle connections, so without this listener a restart of PostgreSQL during a
 * transaction would crash the process instead of failing one append, which the caller retries.
 */
export async function checkOut(pool: pg.Pool): Promise<pg.PoolClient> {
  const client = await pool.connect();
  client.on('error', absorb);
  const release = client.release.bind(client);
  client.release = (destroy?: boolean | Error) => {
    client.off('error', absorb);
    release(destroy);
  };
  return client;
}

/**
 * Runs `work` in a transaction opened by `begin` on a connection of its own. On failure it rolls back and drops
 * the connection rather than return one in an unknown state to the pool.
 */
export async function inTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
  begin = 'BEGIN',
): Promise<T> {
  const client = await checkOut(pool);
  try {
    await client.query(begin);
    const result = await work(client);
    await client.query('COMMIT');
    client.release();
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    client.release(true);
    throw error;
  }
}

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

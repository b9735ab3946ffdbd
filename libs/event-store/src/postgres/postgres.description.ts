/**
 * `postgres://host:port/database (schema name)` for logs: never the user's password, nor query parameters
 * (which may carry `password=` or `sslkey=` too).
 */
export function describePostgres(connectionString: string, schema: string): string {
  try {
    const url = new URL(connectionString);
    const host = url.hostname || url.searchParams.get('host') || 'localhost';
    const port = url.port || '5432';
    const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
    return `postgres://${host}:${port}/${database} (schema ${schema})`;
  } catch {
    return `postgres (unparsable URL, schema ${schema})`;
  }
}

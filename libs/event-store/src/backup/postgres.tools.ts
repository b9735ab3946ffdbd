import { spawn } from 'node:child_process';

/** How pg_dump / pg_restore / psql reach the database: a URL without password or schema, the password in env. */
export interface PostgresTarget {
  /** `postgres://user@host:port/db?sslmode=…`: no password, no `schema` (the tools would refuse it). */
  url: string;
  env: NodeJS.ProcessEnv;
}

/** Splits a store URL into what the tools take; the password goes in PGPASSWORD, never on a command line. */
export function postgresTarget(connectionString: string): PostgresTarget {
  const url = new URL(connectionString);
  const password = decodeURIComponent(url.password);
  url.password = '';
  url.searchParams.delete('schema');
  const env = { ...process.env, ...(password !== '' && { PGPASSWORD: password }) };
  return { url: url.toString(), env };
}

/**
 * Runs one of PostgreSQL's client tools; resolves with its stdout, rejects with its stderr. A tool that is not
 * installed is named, with the package that brings it.
 */
export function runPostgresTool(tool: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'ENOENT'
          ? new Error(
              `${tool} is not installed or not on PATH: install PostgreSQL's client tools ` +
                `(Debian: apt-get install postgresql-client, of the server's major version or newer)`,
            )
          : error,
      ),
    );
    child.once('close', (code) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`${tool} failed (exit ${code}): ${stderr.trim() || 'no message'}`));
    });
  });
}

import { ConfigError } from './config.js';

/**
 * Runs a listen step; a port already taken (on the test machines Mosquitto holds 1883) becomes a ConfigError
 * naming the variable to change.
 */
export async function listenOn<T>(variable: string, port: number, listen: () => Promise<T>): Promise<T> {
  try {
    return await listen();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    if (code === 'EADDRINUSE') {
      throw new ConfigError(variable, `port ${port} is already in use: set ${variable} to a free port`);
    }
    if (code === 'EACCES') {
      throw new ConfigError(
        variable,
        `not allowed to listen on port ${port}: set ${variable} to a port above 1023`,
      );
    }
    throw error;
  }
}

/** An app that did not come up: `could not start`; a command (backup, rebuild …) that stopped: `failed`. */
export function startupFailure(app: string, error: unknown, what = 'could not start'): string {
  if (error instanceof ConfigError) return `${app}: ${error.message}`;
  return `${app}: ${what}: ${error instanceof Error ? error.message : String(error)}`;
}

/** Prints one line and exits non-zero, so `npm start` and supervisors see the failure and what to change. */
export function exitOnStartupFailure(app: string) {
  return (error: unknown): never => {
    process.stderr.write(startupFailure(app, error) + '\n');
    process.exit(1);
  };
}

/** The same for a command line tool: it started, then its work failed (a refusal is worded by the tool). */
export function exitOnCommandFailure(command: string) {
  return (error: unknown): never => {
    process.stderr.write(startupFailure(command, error, 'failed') + '\n');
    process.exit(1);
  };
}

/**
 * Every file and folder the process creates from now on (the store and its WAL, keys, tokens, archives, backups)
 * is its owner's alone: events name devices, users and addresses, and DATA_DIR holds the keys. Called first by
 * every entry point, before anything is written.
 */
export function ownerOnlyFiles(): void {
  process.umask(0o077);
}

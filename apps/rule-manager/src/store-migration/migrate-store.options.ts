import { parseArgs } from 'node:util';

export const MIGRATE_STORE_USAGE =
  'npm run migrate-store -- --to <postgres://user@host:port/db?schema=name | sqlite:<file>> ' +
  '[--from <store URL, default EVENT_STORE_URL>] [--batch-size <rows, default 5000>]';

export interface MigrateStoreOptions {
  /** The store to copy; the apps' EVENT_STORE_URL when absent. */
  from?: string;
  to: string;
  batchSize: number;
}

/** A bad argument: names it and the rule it breaks, with the usage. */
export class MigrateStoreOptionError extends Error {
  override name = 'MigrateStoreOptionError';
  constructor(option: string, message: string) {
    super(`${option} ${message}. Usage: ${MIGRATE_STORE_USAGE}`);
  }
}

export function parseMigrateStoreOptions(args: string[]): MigrateStoreOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: { from: { type: 'string' }, to: { type: 'string' }, 'batch-size': { type: 'string' } },
    }));
  } catch (error) {
    const option = /'(--?[A-Za-z][\w-]*)/.exec((error as Error).message)?.[1] ?? 'an argument';
    throw new MigrateStoreOptionError(option, `is not understood (${(error as Error).message})`);
  }
  if (values.to === undefined || values.to.trim() === '') {
    throw new MigrateStoreOptionError('--to', 'is required: the empty store to copy into');
  }
  const batchSize = Number(values['batch-size'] ?? 5000);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 100_000) {
    throw new MigrateStoreOptionError('--batch-size', 'must be a whole number from 1 to 100000');
  }
  if (values.from !== undefined && values.from.trim() === values.to.trim()) {
    throw new MigrateStoreOptionError('--to', 'must be another store than --from');
  }
  return { ...(values.from !== undefined && { from: values.from }), to: values.to, batchSize };
}

/** A store URL fit to print: a password in it becomes `***`. */
export function withoutPassword(url: string): string {
  if (!/^postgres(ql)?:\/\//i.test(url)) return url;
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://(unparsable URL)';
  }
}

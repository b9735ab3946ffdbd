import { describe, expect, it } from '@jest/globals';
import { parseMigrateStoreOptions, withoutPassword } from './migrate-store.options.js';

describe('npm run migrate-store arguments', () => {
  it('takes --to, an optional --from and --batch-size (5000 by default)', () => {
    expect(parseMigrateStoreOptions(['--to', 'postgres://u@h/db?schema=s'])).toEqual({
      to: 'postgres://u@h/db?schema=s',
      batchSize: 5000,
    });
    expect(
      parseMigrateStoreOptions(['--from', 'sqlite:a.db', '--to', 'sqlite:b.db', '--batch-size', '200']),
    ).toEqual({ from: 'sqlite:a.db', to: 'sqlite:b.db', batchSize: 200 });
  });

  it('refuses bad arguments, naming the argument and the rule', () => {
    expect(() => parseMigrateStoreOptions([])).toThrow(
      /^--to is required: the empty store to copy into\. Usage: /,
    );
    expect(() => parseMigrateStoreOptions(['--to', 'sqlite:b.db', '--batch-size', '0'])).toThrow(
      '--batch-size must be a whole number from 1 to 100000',
    );
    expect(() => parseMigrateStoreOptions(['--to', 'sqlite:b.db', '--batch-size', '2.5'])).toThrow(
      '--batch-size must be a whole number',
    );
    expect(() => parseMigrateStoreOptions(['--from', 'sqlite:a.db', '--to', 'sqlite:a.db'])).toThrow(
      '--to must be another store than --from',
    );
    expect(() => parseMigrateStoreOptions(['--to', 'x', '--force'])).toThrow(/^--force is not understood/);
  });

  it('hides a password in a PostgreSQL URL, and leaves the rest as given', () => {
    expect(withoutPassword('postgres://relay:s3cret@db:5432/relay?schema=r')).toBe(
      'postgres://relay:***@db:5432/relay?schema=r',
    );
    expect(withoutPassword('postgres://relay@db:5432/relay')).toBe('postgres://relay@db:5432/relay');
    expect(withoutPassword('sqlite:/var/lib/events.db')).toBe('sqlite:/var/lib/events.db');
  });
});

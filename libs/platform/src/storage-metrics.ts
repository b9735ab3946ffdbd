import { statfs } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Gauge } from 'prom-client';
import {
  DuplicateEventError,
  ProjectionConflictError,
  sqliteFileOf,
  WrongExpectedVersionError,
  type EventStore,
} from '#libs/event-store';
import type { AppMetrics } from './app-metrics.js';
import type { AppConfig } from './config.js';

/** Refusals the writers expect and handle (a concurrent writer, a retried append): not a failing store. */
const EXPECTED = [WrongExpectedVersionError, DuplicateEventError, ProjectionConflictError];

type ErrorListener = (operation: string, count: number) => void;

/**
 * Failed event store calls, by the store method that failed (`appendMany`, `readAll`, …) and `background` for a
 * connection lost between calls. It counts before the app's metrics exist, as the store is opened first.
 */
export class StoreErrors {
  private readonly counts = new Map<string, number>();
  private listener: ErrorListener | undefined;

  record(operation: string): void {
    this.counts.set(operation, (this.counts.get(operation) ?? 0) + 1);
    this.listener?.(operation, 1);
  }

  /** Hands over what was counted so far, then each new error. */
  follow(listener: ErrorListener): void {
    for (const [operation, count] of this.counts) listener(operation, count);
    this.listener = listener;
  }
}

/** The same store, with each failed call (a throw or a rejected promise) counted in `errors`. */
export function countingErrors(store: EventStore, errors: StoreErrors): EventStore {
  const counted = (operation: string, error: unknown): never => {
    if (!EXPECTED.some((kind) => error instanceof kind)) errors.record(operation);
    throw error;
  };
  return new Proxy(store, {
    get(target, property) {
      // The target as receiver: the adapters' getters read private fields, which a proxy does not have.
      const value: unknown = Reflect.get(target, property);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      return (...args: unknown[]) => {
        try {
          const result: unknown = value.apply(target, args);
          return result instanceof Promise ? result.catch((error) => counted(property, error)) : result;
        } catch (error) {
          return counted(property, error);
        }
      };
    },
  });
}

/** Where the app's data lives on disk: the SQLite file's directory, else DATA_DIR (its generated keys). */
export function dataDirOf(config: AppConfig): string {
  const file = sqliteFileOf(config.eventStoreUrl);
  return file === undefined ? config.dataDir : dirname(file);
}

/**
 * The store's health on the app's /metrics: `msr_event_store_errors_total{operation}`, and the file system
 * holding the data directory (`msr_data_dir_available_bytes{path}`, `msr_data_dir_size_bytes{path}`), read at
 * each scrape.
 * A directory that cannot be read (not created yet) gives no sample rather than a false zero.
 */
export function watchStorage(metrics: AppMetrics, config: AppConfig, errors: StoreErrors): void {
  const counter = metrics.counter({
    name: 'event_store_errors_total',
    help: 'event store calls that failed (not version conflicts or duplicates), by operation; see the log',
    labelNames: ['operation'] as const,
  });
  counter.inc({ operation: 'background' }, 0); // a series from the start, so increase() sees the first error
  errors.follow((operation, count) => counter.inc({ operation }, count));
  const directory = dataDirOf(config);
  const fileSystem = (field: 'bavail' | 'blocks') =>
    async function (this: Gauge<'path'>) {
      this.reset();
      const stats = await statfs(directory).catch(() => undefined);
      if (stats) this.set({ path: directory }, stats[field] * stats.bsize);
    };
  metrics.gauge({
    name: 'data_dir_available_bytes',
    help: 'bytes the app may still write on the file system of its data directory (`path`)',
    labelNames: ['path'] as const,
    collect: fileSystem('bavail'),
  });
  metrics.gauge({
    name: 'data_dir_size_bytes',
    help: "size in bytes of the file system of the app's data directory (`path`)",
    labelNames: ['path'] as const,
    collect: fileSystem('blocks'),
  });
}

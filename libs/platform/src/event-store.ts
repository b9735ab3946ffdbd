import { Logger } from '@nestjs/common';
import {
  INCOMPLETE_COPY_LEASE,
  openEventStore,
  type EventStore,
  type OpenEventStoreOptions,
} from '#libs/event-store';
import type { AppConfig } from './config.js';
import { ConfigError } from './config-error.js';
import { EXPIRING_STREAM_PREFIXES } from './retention-settings.js';
import { countingErrors, StoreErrors } from './storage-metrics.js';

/**
 * The app's event store; a connection lost in the background (PostgreSQL restarting) is logged, then recovered.
 * Every app opens it with the same expiring streams (presence and delivery), whatever its own EVENT_RETENTION.
 * Failed calls are counted in `errors`, which `watchStorage` puts on the app's /metrics.
 */
export async function openAppEventStore(
  config: AppConfig,
  options: OpenEventStoreOptions = {},
  errors = new StoreErrors(),
): Promise<EventStore> {
  const logger = new Logger('event-store');
  const store = await openEventStore(config.eventStoreUrl, {
    ...options,
    expiringStreamPrefixes: EXPIRING_STREAM_PREFIXES,
    onBackgroundError: (error) => {
      errors.record('background');
      logger.warn(`connection to the event store lost, reconnecting: ${String(error)}`);
    },
    onRangeDeferred: (error) => logger.warn(error.message),
  });
  await refuseIncompleteCopy(store);
  return countingErrors(store, errors);
}

/**
 * A store `npm run migrate-store` left half-copied (it failed or was stopped) lacks events, checkpoints or read
 * models: an app on it would serve wrong answers and dispatch would resend or skip, so none starts on it.
 */
async function refuseIncompleteCopy(store: EventStore): Promise<void> {
  const leases = await store.readLeases(INCOMPLETE_COPY_LEASE);
  if (!leases.some((lease) => lease.name === INCOMPLETE_COPY_LEASE)) return;
  await store.close();
  throw new ConfigError(
    'EVENT_STORE_URL',
    `${store.description} is an incomplete copy left by npm run migrate-store (lease ${INCOMPLETE_COPY_LEASE}): ` +
      'it may lack events and checkpoints. Set EVENT_STORE_URL back to the source, or drop this store and run ' +
      'migrate-store again',
    'complete-store',
  );
}

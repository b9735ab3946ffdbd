import { Logger } from '@nestjs/common';
import { openEventStore, type EventStore, type OpenEventStoreOptions } from '#libs/event-store';
import type { AppConfig } from './config.js';
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
  });
  return countingErrors(store, errors);
}

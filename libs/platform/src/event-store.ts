import { Logger } from '@nestjs/common';
import { openEventStore, type EventStore, type OpenEventStoreOptions } from '#libs/event-store';
import type { AppConfig } from './config.js';
import { EXPIRING_STREAM_PREFIXES } from './retention-settings.js';

/**
 * The app's event store; a connection lost in the background (PostgreSQL restarting) is logged, then recovered.
 * Every app opens it with the same expiring streams (presence and delivery), whatever its own EVENT_RETENTION.
 */
export function openAppEventStore(
  config: AppConfig,
  options: OpenEventStoreOptions = {},
): Promise<EventStore> {
  const logger = new Logger('event-store');
  return openEventStore(config.eventStoreUrl, {
    ...options,
    expiringStreamPrefixes: EXPIRING_STREAM_PREFIXES,
    onBackgroundError: (error) =>
      logger.warn(`connection to the event store lost, reconnecting: ${String(error)}`),
  });
}

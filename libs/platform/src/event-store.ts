import { Logger } from '@nestjs/common';
import { openEventStore, type EventStore, type OpenEventStoreOptions } from '#libs/event-store';
import type { AppConfig } from './config.js';

/** The app's event store; a connection lost in the background (PostgreSQL restarting) is logged, then recovered. */
export function openAppEventStore(
  config: AppConfig,
  options: OpenEventStoreOptions = {},
): Promise<EventStore> {
  const logger = new Logger('event-store');
  return openEventStore(config.eventStoreUrl, {
    ...options,
    onBackgroundError: (error) =>
      logger.warn(`connection to the event store lost, reconnecting: ${String(error)}`),
  });
}

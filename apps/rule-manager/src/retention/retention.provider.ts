import { hostname } from 'node:os';
import type { Provider } from '@nestjs/common';
import { openEventArchive } from '#libs/event-archive';
import type { EventArchive, EventStore } from '#libs/event-store';
import { APP_CONFIG, AppMetrics, EVENT_STORE, type AppConfig } from '#libs/platform';
import { RetentionMetrics } from './retention.metrics.js';
import { RetentionWorker } from './retention.worker.js';

/** Where retention writes what it removes (ARCHIVE_DIR), when one is configured. */
export const EVENT_ARCHIVE = Symbol('EVENT_ARCHIVE');

/** This rule-manager's name on the retention lease: NODE_ID, or its host and HTTP port. */
const retentionOwner = (config: AppConfig) => config.nodeId ?? `${hostname()}:${config.httpPort}`;

export const retentionProviders: Provider[] = [
  {
    provide: EVENT_ARCHIVE,
    inject: [APP_CONFIG],
    useFactory: (config: AppConfig) =>
      config.archiveDir === undefined ? undefined : openEventArchive(config.archiveDir),
  },
  {
    provide: RetentionMetrics,
    inject: [AppMetrics, EVENT_STORE],
    useFactory: (metrics: AppMetrics, store: EventStore) => new RetentionMetrics(metrics, store),
  },
  {
    provide: RetentionWorker,
    inject: [EVENT_STORE, APP_CONFIG, RetentionMetrics, EVENT_ARCHIVE],
    useFactory: (store: EventStore, config: AppConfig, metrics: RetentionMetrics, archive?: EventArchive) =>
      new RetentionWorker(store, config, retentionOwner(config), metrics, archive),
  },
];

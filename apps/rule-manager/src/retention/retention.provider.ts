import { hostname } from 'node:os';
import type { Provider } from '@nestjs/common';
import type { EventArchive, EventStore } from '#libs/event-store';
import { APP_CONFIG, AppMetrics, EVENT_STORE, type AppConfig } from '#libs/platform';
import { RetentionMetrics } from './retention.metrics.js';
import { RetentionWorker } from './retention.worker.js';

/** Where retention writes what it removes (ARCHIVE_DIR), when the app provides one. */
export const EVENT_ARCHIVE = Symbol('EVENT_ARCHIVE');

/** This rule-manager's name on the retention lease: NODE_ID, or its host and HTTP port. */
const retentionOwner = (config: AppConfig) => config.nodeId ?? `${hostname()}:${config.httpPort}`;

export const retentionProviders: Provider[] = [
  {
    provide: RetentionMetrics,
    inject: [AppMetrics, EVENT_STORE],
    useFactory: (metrics: AppMetrics, store: EventStore) => new RetentionMetrics(metrics, store),
  },
  {
    provide: RetentionWorker,
    inject: [EVENT_STORE, APP_CONFIG, RetentionMetrics, { token: EVENT_ARCHIVE, optional: true }],
    useFactory: (store: EventStore, config: AppConfig, metrics: RetentionMetrics, archive?: EventArchive) =>
      new RetentionWorker(store, config, retentionOwner(config), metrics, archive),
  },
];

export * from './event-store.port.js';
export * from './errors.js';
export { openEventStore, type OpenEventStoreOptions } from './open-event-store.js';
export { startSubscription, type Subscription, type SubscriptionOptions } from './subscription.js';
export { SqliteEventStore, type SqliteEventStoreOptions } from './sqlite/sqlite.event-store.js';
export { PostgresEventStore, type PostgresEventStoreOptions } from './postgres/postgres.event-store.js';
export { appendLockKey } from './postgres/postgres.names.js';
export { eventIdFor, newEventId } from './event-id.js';
export { Wakeup } from './wakeup.js';

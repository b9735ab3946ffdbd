export * from './client-status.projection.js';
export * from './client-status.queries.js';
export * from './presence-counters.js';

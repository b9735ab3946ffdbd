export * from './client-status.projection.js';
export * from './follow.js';

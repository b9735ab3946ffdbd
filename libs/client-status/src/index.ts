export * from './client-status.projection.js';

export * from './identifiers.js';
export * from './presence.events.js';
export * from './client-status.js';
export * from './channel.decider.js';
export * from './presence-selection.js';

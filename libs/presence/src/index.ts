export * from './identifiers.js';
export * from './presence.events.js';

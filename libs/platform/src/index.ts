export * from './bus.js';
export * from './config.js';
export * from './credentials-cipher.js';
export * from './startup.js';
export * from './tokens.js';
export * from './shutdown.js';
export * from './api-tokens.js';
export * from './app-logger.js';

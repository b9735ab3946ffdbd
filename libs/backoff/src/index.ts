export { Backoff, backoffDelay, type BackoffOptions } from './backoff.js';

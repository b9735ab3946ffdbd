export * from './credentials-cipher.js';

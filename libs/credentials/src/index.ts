export * from './credentials-cipher.js';
export * from './key-file.js';

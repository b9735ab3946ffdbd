export * from './name-server.js';
export * from './remoting-failure.js';
export * from './remoting-sender.js';
export * from './remoting-topic-check.js';
export * from './sharding-key-queue.js';

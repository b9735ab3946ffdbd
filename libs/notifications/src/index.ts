export * from './notification.js';
export * from './notification.events.js';
export * from './rocketmq-message.js';
export * from './route.js';
export * from './delivery-lanes.js';
export * from './delivery-policy.js';
export * from './notification-log.js';

export * from './rocketmq-producers.js';
export * from './instance-sender.js';
export * from './grpc-sender.js';
export * from './send-failure.js';
export * from './rocketmq-batch-send.js';
export * from './remoting/index.js';

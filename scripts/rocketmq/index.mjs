// Public API of the local RocketMQ runtime, shared by `npm run rocketmq` and the jest global setup.
export {
  createConsumerGroup,
  createFifoConsumerGroup,
  createTopic,
  createTopics,
  runAdmin,
  validateGroupName,
  validateTopicName,
  assertNamesrvReachable,
} from './admin.mjs';
export { ensureJars, installedVersion } from './jars.mjs';
export {
  DEFAULT_HOST,
  DEFAULT_PORTS,
  DEFAULT_WORK_DIR,
  REPO_ROOT,
  STATE_DIR,
  defaultNamesrvAddr,
  rocketmqVersion,
} from './paths.mjs';
export { isPortOpen } from './process.mjs';
export { startRocketMQ } from './server.mjs';
export { serveControl } from './control.mjs';
export { shutdownClient } from './client-shutdown.mjs';

// Jest global teardown: stops the RocketMQ that the global setup started (a reused one is left alone).
import type { StartedRocketMQ } from './global-setup.js';

// The registry symbol of global-setup.ts (only its type is imported: a value import would load it again).
const STARTED_ROCKETMQ = Symbol.for('mqtt-status-relay.test.rocketmq');

export default async function globalTeardown(): Promise<void> {
  const holder = globalThis as Record<symbol, StartedRocketMQ | undefined>;
  const started = holder[STARTED_ROCKETMQ];
  if (!started) return;
  delete holder[STARTED_ROCKETMQ];
  const since = Date.now();
  await started.closeControl();
  // SIGTERM: a graceful stop (~12 s: Netty quiet periods, a fixed 3 s sleep in the store's shutdown).
  await started.handle.stop();
  console.log(`[rocketmq] stopped in ${((Date.now() - since) / 1000).toFixed(1)} s`);
}

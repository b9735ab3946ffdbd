import { hostname } from 'node:os';
import { describeBus, metricsPortOf, type AppConfig } from '#libs/platform';

/**
 * This dispatcher's name on its leases and outcomes: NODE_ID, or else one unique among the processes of a host
 * and the same when this one restarts there (it then takes its own leases back at once instead of waiting for
 * them to expire): the host and the port only it listens on.
 */
export function dispatchNodeId(config: AppConfig): string {
  if (config.nodeId) return config.nodeId;
  const metricsPort = metricsPortOf(config, 'rocketmq-dispatch');
  if (metricsPort !== undefined) return `${hostname()}:${metricsPort}`;
  const bus = describeBus(config.busUrl, 'rocketmq-dispatch');
  if (bus.startsWith('tcp://')) return `${hostname()}:${new URL(bus).port}`;
  return `${hostname()}:pid-${process.pid}`;
}

import { hostname } from 'node:os';
import type { AppConfig } from '#libs/platform';

/**
 * This dispatcher's name on its leases and outcomes: NODE_ID, or else one unique among the processes of a host
 * and the same when this one restarts there (it then takes its own leases back at once instead of waiting for
 * them to expire): the host and the port only it listens on.
 */
export function dispatchNodeId(config: AppConfig): string {
  if (config.nodeId) return config.nodeId;
  if (config.metricsPort !== undefined) return `${hostname()}:${config.metricsPort + 1}`;
  const busPort = /^tcp:\/\/[^:/]+:(\d+)$/.exec(config.busUrl)?.[1];
  if (busPort !== undefined) return `${hostname()}:${Number(busPort) + 2}`;
  return `${hostname()}:pid-${process.pid}`;
}

import { hostname } from 'node:os';
import type { AppConfig } from '#libs/platform';

/**
 * This broker's name on the presence events it stores: NODE_ID, or else the host and its MQTT port (unique among
 * the brokers of a host). It must stay the same across restarts: a restart closes the channels left open under it.
 */
export function ingestNodeId(config: AppConfig): string {
  return config.nodeId ?? `${hostname()}:${config.mqttPort}`;
}

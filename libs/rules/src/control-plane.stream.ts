/**
 * All groups, RocketMQ instances and rules of one MQTT instance live in one stream, so the uniqueness rules
 * (one rule per group, 100 rules per instance, unique rule IDs, no delete of a referenced group) are a single
 * optimistic-concurrency check. See docs/decisions/0001-control-plane-stream.md.
 */
export const CONTROL_PLANE_STREAM_PREFIX = 'rules-';

export function controlPlaneStream(mqttInstanceId: string): string {
  return CONTROL_PLANE_STREAM_PREFIX + mqttInstanceId;
}

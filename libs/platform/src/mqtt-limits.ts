import { wholeNumberIn, type Env } from './env-values.js';

/**
 * What one peer may cost presence-ingest. Defaults follow EMQX where it has one (1 MB packets, a 15 s wait for
 * CONNECT, loopback trusted) and are safe where it has none: Mosquitto's are "unlimited" throughout.
 */
export interface MqttLimits {
  /** Largest MQTT packet accepted, on every listener, WebSocket frames included (MQTT_MAX_PACKET_SIZE). */
  maxPacketSize: number;
  /** Open connections over all listeners; more are closed on accept (MQTT_MAX_CONNECTIONS). */
  maxConnections: number;
  /** New connections per second from one non-loopback address; 0 = no limit (MQTT_MAX_CONNECT_RATE_PER_IP). */
  connectRatePerAddress: number;
  /** Longest keepalive a CONNECT may ask for, in seconds (MQTT_MAX_KEEPALIVE). */
  maxKeepaliveSeconds: number;
  /** How long a new connection may take to send CONNECT (MQTT_CONNECT_TIMEOUT_MS). */
  connectTimeoutMs: number;
  /** Refused CONNECTs traced per client ID and minute; the rest are counted (MQTT_REFUSALS_TRACED_PER_MINUTE). */
  refusalsTracedPerMinute: number;
}

/** The MQTT protocol's own ceiling for a packet: 256 MB (a 4-byte remaining length). */
const MQTT_PACKET_CEILING = 268_435_455;

export function mqttLimits(env: Env): MqttLimits {
  return {
    maxPacketSize: wholeNumberIn(env, 'MQTT_MAX_PACKET_SIZE', 1_048_576, [128, MQTT_PACKET_CEILING]),
    maxConnections: wholeNumberIn(env, 'MQTT_MAX_CONNECTIONS', 50_000, [1, 10_000_000]),
    connectRatePerAddress: wholeNumberIn(env, 'MQTT_MAX_CONNECT_RATE_PER_IP', 50, [1, 1_000_000], 'no limit'),
    maxKeepaliveSeconds: wholeNumberIn(env, 'MQTT_MAX_KEEPALIVE', 3_600, [1, 65_535]),
    connectTimeoutMs: wholeNumberIn(env, 'MQTT_CONNECT_TIMEOUT_MS', 15_000, [100, 600_000]),
    refusalsTracedPerMinute: wholeNumberIn(env, 'MQTT_REFUSALS_TRACED_PER_MINUTE', 5, [1, 10_000], 'none'),
  };
}

import { wholeNumberIn } from './env-values.js';

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

export const MQTT_LIMIT_VARIABLES = {
  MQTT_MAX_PACKET_SIZE: wholeNumberIn(1_048_576, [128, MQTT_PACKET_CEILING]),
  MQTT_MAX_CONNECTIONS: wholeNumberIn(50_000, [1, 10_000_000]),
  MQTT_MAX_CONNECT_RATE_PER_IP: wholeNumberIn(50, [1, 1_000_000], 'no limit'),
  MQTT_MAX_KEEPALIVE: wholeNumberIn(3_600, [1, 65_535]),
  MQTT_CONNECT_TIMEOUT_MS: wholeNumberIn(15_000, [100, 600_000]),
  MQTT_REFUSALS_TRACED_PER_MINUTE: wholeNumberIn(5, [1, 10_000], 'none'),
};

type Limits = { [K in keyof typeof MQTT_LIMIT_VARIABLES]: number };

export function mqttLimits(values: Limits): MqttLimits {
  return {
    maxPacketSize: values.MQTT_MAX_PACKET_SIZE,
    maxConnections: values.MQTT_MAX_CONNECTIONS,
    connectRatePerAddress: values.MQTT_MAX_CONNECT_RATE_PER_IP,
    maxKeepaliveSeconds: values.MQTT_MAX_KEEPALIVE,
    connectTimeoutMs: values.MQTT_CONNECT_TIMEOUT_MS,
    refusalsTracedPerMinute: values.MQTT_REFUSALS_TRACED_PER_MINUTE,
  };
}

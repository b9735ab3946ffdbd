import { expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from './config.js';
import type { Env } from './env-values.js';

/**
 * The exact start-up refusal for each bad value (the variable it names and the line the operator reads), pinned
 * by a snapshot taken before configuration moved to a schema.
 */
const TLS = { MQTT_TLS_PORT: '8883', MQTT_TLS_CERT: '/c.pem', MQTT_TLS_KEY: '/k.pem' };
const cases: [string, Env][] = [
  ['HTTP_PORT not a number', { HTTP_PORT: 'abc' }],
  ['HTTP_PORT zero', { HTTP_PORT: '0' }],
  ['MQTT_PORT too big', { MQTT_PORT: '70000' }],
  ['MQTT_PORT negative', { MQTT_PORT: '-1' }],
  ['MQTT_WS_PORT a word', { MQTT_WS_PORT: 'ws' }],
  ['MQTT_ALLOW_ANONYMOUS yes', { MQTT_ALLOW_ANONYMOUS: 'yes' }],
  ['MQTT_ALLOW_ANONYMOUS upper case', { MQTT_ALLOW_ANONYMOUS: 'TRUE ', MQTT_PORT: 'x' }],
  ['MQTT_TLS_KEY missing', { ...TLS, MQTT_TLS_KEY: ' ' }],
  ['MQTT_TLS_CERT missing', { ...TLS, MQTT_TLS_CERT: undefined }],
  ['MQTT_TLS_PORT missing', { ...TLS, MQTT_TLS_PORT: '' }],
  ['MQTT_TLS_PORT not a port', { ...TLS, MQTT_TLS_PORT: '88830' }],
  ['METRICS_PORT a word', { METRICS_PORT: 'none' }],
  ['METRICS_PORT last port', { METRICS_PORT: '65535' }],
  ['EVENT_STORE_URL mysql', { EVENT_STORE_URL: 'mysql://db/events' }],
  ['INSTANCE_ID with spaces', { INSTANCE_ID: 'no spaces' }],
  ['INSTANCE_ID short', { INSTANCE_ID: 'ab' }],
  ['REGION with a slash', { REGION: 'eu/west' }],
  ['BUS_URL http', { BUS_URL: 'http://127.0.0.1:3100' }],
  ['BUS_URL tcp without port', { BUS_URL: 'tcp://host' }],
  ['MAX_RULES_PER_INSTANCE zero', { MAX_RULES_PER_INSTANCE: '0' }],
  ['MAX_RULES_PER_INSTANCE fraction', { MAX_RULES_PER_INSTANCE: '1.5' }],
  ['API_TOKENS bad role', { API_TOKENS: 'ops:root:0123456789abcdef' }],
  ['API_TOKENS short secret', { API_TOKENS: 'ops:admin:short' }],
  ['API_TOKENS bad name', { API_TOKENS: 'o p:admin:0123456789abcdef' }],
  ['API_TOKENS name twice', { API_TOKENS: 'a:admin:0123456789abcdef,a:viewer:0123456789abcdef' }],
  ['CREDENTIALS_KEY short', { CREDENTIALS_KEY: 'not-32-bytes' }],
  ['NODE_ID with spaces', { NODE_ID: 'no spaces' }],
  ['DISPATCH_CONCURRENCY zero', { DISPATCH_CONCURRENCY: '0' }],
  ['DISPATCH_CONCURRENCY too many', { DISPATCH_CONCURRENCY: '5000' }],
  ['DISPATCH_WINDOW a word', { DISPATCH_WINDOW: 'big' }],
  ['DISPATCH_MAX_ATTEMPTS a word', { DISPATCH_MAX_ATTEMPTS: 'three' }],
  ['DISPATCH_RETRY_BASE_MS negative', { DISPATCH_RETRY_BASE_MS: '-5' }],
  ['DISPATCH_RETRY_MAX_MS below base', { DISPATCH_RETRY_BASE_MS: '5000', DISPATCH_RETRY_MAX_MS: '1000' }],
  ['DISPATCH_PARTITIONS too many', { DISPATCH_PARTITIONS: '2000' }],
  ['DISPATCH_LEASE_TTL_MS too short', { DISPATCH_LEASE_TTL_MS: '100' }],
  ['MQTT_MAX_PACKET_SIZE too small', { MQTT_MAX_PACKET_SIZE: '100' }],
  ['MQTT_MAX_PACKET_SIZE zero', { MQTT_MAX_PACKET_SIZE: '0' }],
  ['MQTT_MAX_CONNECTIONS a word', { MQTT_MAX_CONNECTIONS: 'lots' }],
  ['MQTT_MAX_CONNECT_RATE_PER_IP too high', { MQTT_MAX_CONNECT_RATE_PER_IP: '2000000' }],
  ['MQTT_MAX_KEEPALIVE too long', { MQTT_MAX_KEEPALIVE: '70000' }],
  ['MQTT_CONNECT_TIMEOUT_MS too short', { MQTT_CONNECT_TIMEOUT_MS: '10' }],
  ['MQTT_REFUSALS_TRACED_PER_MINUTE a fraction', { MQTT_REFUSALS_TRACED_PER_MINUTE: '0.5' }],
  [
    'several bad values: the first is named',
    { REGION: '', BUS_URL: 'x', HTTP_PORT: 'y', DISPATCH_WINDOW: 'z' },
  ],
];

it.each(cases)('refuses %s, naming the variable', (_name, env) => {
  let refusal: unknown;
  try {
    loadConfig(env);
  } catch (error) {
    refusal = error;
  }
  expect(refusal).toBeInstanceOf(ConfigError);
  const { variable, message } = refusal as ConfigError;
  expect(message).toContain(variable);
  expect({ variable, message }).toMatchSnapshot();
});

import { expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { CONFIG_VARIABLES, ConfigError, loadConfig } from './config.js';
import type { Env } from './env-values.js';

/**
 * The exact start-up refusal for each bad value (the variable it names and the line the operator reads), pinned
 * by a snapshot taken before configuration moved to a schema.
 */
const TLS = { MQTT_TLS_PORT: '8883', MQTT_TLS_CERT: '/c.pem', MQTT_TLS_KEY: '/k.pem' };
const cases: [string, Env, string][] = [
  ['HTTP_PORT not a number', { HTTP_PORT: 'abc' }, 'port'],
  ['HTTP_PORT zero', { HTTP_PORT: '0' }, 'port'],
  ['MQTT_PORT too big', { MQTT_PORT: '70000' }, 'port'],
  ['MQTT_PORT negative', { MQTT_PORT: '-1' }, 'port'],
  ['MQTT_WS_PORT a word', { MQTT_WS_PORT: 'ws' }, 'port'],
  ['MQTT_ALLOW_ANONYMOUS yes', { MQTT_ALLOW_ANONYMOUS: 'yes' }, 'boolean'],
  ['MQTT_ALLOW_ANONYMOUS upper case', { MQTT_ALLOW_ANONYMOUS: 'TRUE ', MQTT_PORT: 'x' }, 'port'],
  ['MQTT_TLS_KEY missing', { ...TLS, MQTT_TLS_KEY: ' ' }, 'required'],
  ['MQTT_TLS_CERT missing', { ...TLS, MQTT_TLS_CERT: undefined }, 'required'],
  ['MQTT_TLS_PORT missing', { ...TLS, MQTT_TLS_PORT: '' }, 'required'],
  ['MQTT_TLS_PORT not a port', { ...TLS, MQTT_TLS_PORT: '88830' }, 'port'],
  ['METRICS_PORT a word', { METRICS_PORT: 'none' }, 'port'],
  ['GRPC_PORT not a port', { GRPC_PORT: '50051x' }, 'port'],
  ['GRPC_TLS_KEY missing', { GRPC_TLS_CERT: '/c.pem' }, 'required'],
  ['GRPC_TLS_CERT missing', { GRPC_TLS_KEY: '/k.pem' }, 'required'],
  ['GRPC_MAX_WATCHERS zero', { GRPC_MAX_WATCHERS: '0' }, 'positive-integer'],
  ['METRICS_PORT last port', { METRICS_PORT: '65535' }, 'range'],
  ['EVENT_STORE_URL mysql', { EVENT_STORE_URL: 'mysql://db/events' }, 'pattern'],
  ['INSTANCE_ID with spaces', { INSTANCE_ID: 'no spaces' }, 'pattern'],
  ['INSTANCE_ID short', { INSTANCE_ID: 'ab' }, 'pattern'],
  ['REGION with a slash', { REGION: 'eu/west' }, 'pattern'],
  ['BUS_URL http', { BUS_URL: 'http://127.0.0.1:3100' }, 'pattern'],
  ['BUS_URL tcp without port', { BUS_URL: 'tcp://host' }, 'pattern'],
  ['BUS_URL with credentials, not shown', { BUS_URL: 'natss://relay:hunter2@nats:4222' }, 'pattern'],
  ['BUS_SECRET short', { BUS_SECRET: 'bm90LTMyLWJ5dGVz' }, 'base64-32-bytes'],
  ['MAX_RULES_PER_INSTANCE zero', { MAX_RULES_PER_INSTANCE: '0' }, 'positive-integer'],
  ['MAX_RULES_PER_INSTANCE fraction', { MAX_RULES_PER_INSTANCE: '1.5' }, 'positive-integer'],
  ['API_TOKENS bad role', { API_TOKENS: 'ops:root:0123456789abcdef' }, 'format'],
  ['API_TOKENS short secret', { API_TOKENS: 'ops:admin:short' }, 'format'],
  ['API_TOKENS bad name', { API_TOKENS: 'o p:admin:0123456789abcdef' }, 'format'],
  ['API_TOKENS name twice', { API_TOKENS: 'a:admin:0123456789abcdef,a:viewer:0123456789abcdef' }, 'format'],
  ['CREDENTIALS_KEY short', { CREDENTIALS_KEY: 'not-32-bytes' }, 'base64-32-bytes'],
  ['NODE_ID with spaces', { NODE_ID: 'no spaces' }, 'pattern'],
  ['DISPATCH_CONCURRENCY zero', { DISPATCH_CONCURRENCY: '0' }, 'positive-integer'],
  ['DISPATCH_CONCURRENCY too many', { DISPATCH_CONCURRENCY: '5000' }, 'max'],
  ['DISPATCH_WINDOW a word', { DISPATCH_WINDOW: 'big' }, 'positive-integer'],
  ['DISPATCH_MAX_ATTEMPTS a word', { DISPATCH_MAX_ATTEMPTS: 'three' }, 'positive-integer'],
  ['DISPATCH_RETRY_BASE_MS negative', { DISPATCH_RETRY_BASE_MS: '-5' }, 'positive-integer'],
  [
    'DISPATCH_RETRY_MAX_MS below base',
    { DISPATCH_RETRY_BASE_MS: '5000', DISPATCH_RETRY_MAX_MS: '1000' },
    'not-below-base',
  ],
  ['DISPATCH_PARTITIONS too many', { DISPATCH_PARTITIONS: '2000' }, 'max'],
  ['DISPATCH_LEASE_TTL_MS too short', { DISPATCH_LEASE_TTL_MS: '100' }, 'min'],
  ['EVENT_RETENTION without a unit', { EVENT_RETENTION: '30' }, 'duration'],
  ['EVENT_RETENTION in weeks', { EVENT_RETENTION: '2w' }, 'duration'],
  ['EVENT_RETENTION over a year', { EVENT_RETENTION: '400d' }, 'max'],
  ['MQTT_MAX_PACKET_SIZE too small', { MQTT_MAX_PACKET_SIZE: '100' }, 'range'],
  ['MQTT_MAX_PACKET_SIZE zero', { MQTT_MAX_PACKET_SIZE: '0' }, 'range'],
  ['MQTT_MAX_CONNECTIONS a word', { MQTT_MAX_CONNECTIONS: 'lots' }, 'range'],
  ['MQTT_MAX_CONNECT_RATE_PER_IP too high', { MQTT_MAX_CONNECT_RATE_PER_IP: '2000000' }, 'range'],
  ['MQTT_MAX_KEEPALIVE too long', { MQTT_MAX_KEEPALIVE: '70000' }, 'range'],
  ['MQTT_CONNECT_TIMEOUT_MS too short', { MQTT_CONNECT_TIMEOUT_MS: '10' }, 'range'],
  ['MQTT_REFUSALS_TRACED_PER_MINUTE a fraction', { MQTT_REFUSALS_TRACED_PER_MINUTE: '0.5' }, 'range'],
  [
    'several bad values: the first is named',
    { REGION: '', BUS_URL: 'x', HTTP_PORT: 'y', DISPATCH_WINDOW: 'z' },
    'port',
  ],
];

it.each(cases)('refuses %s, naming the variable', (_name, env, rule) => {
  let refusal: unknown;
  try {
    loadConfig(env);
  } catch (error) {
    refusal = error;
  }
  expect(refusal).toBeInstanceOf(ConfigError);
  const { variable, message } = refusal as ConfigError;
  expect(message).toContain(variable);
  expect(message).not.toContain('hunter2');
  expect((refusal as ConfigError).rule).toBe(rule);
  expect({ variable, message }).toMatchSnapshot();
});

it('has a refusal case for every variable with a rule, and the README documents every variable', () => {
  const freeText = ['DATA_DIR', 'MQTT_HOST', 'ARCHIVE_DIR'];
  const covered = new Set(cases.flatMap(([, env]) => Object.keys(env)));
  expect(CONFIG_VARIABLES.filter((name) => !freeText.includes(name) && !covered.has(name))).toEqual([]);
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  expect(CONFIG_VARIABLES.filter((name) => !readme.includes(`\`${name}\``))).toEqual([]);
});

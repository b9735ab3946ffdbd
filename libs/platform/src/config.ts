import { resolve } from 'node:path';
import { parseApiTokens, type ApiToken } from './api-tokens.js';
import { ConfigError } from './config-error.js';
import { positiveInteger, read, type Env } from './env-values.js';
import { mqttLimits, type MqttLimits } from './mqtt-limits.js';

export { ConfigError };

/** The three apps read the same variables (README "Configuration"); each uses the ones it needs. */
export interface AppConfig {
  httpPort: number;
  mqttPort: number;
  /** The address the MQTT listener binds: loopback by default, as Mosquitto 2 does. */
  mqttHost: string;
  /** Whether clients without credentials may connect: by default only when the listener is loopback. */
  mqttAllowAnonymous: boolean;
  /** MQTT over TLS, when a certificate and key are configured (PEM files). */
  mqttTls?: { port: number; certFile: string; keyFile: string };
  /** What one peer may cost the broker (README "MQTT limits"). */
  mqttLimits: MqttLimits;
  /** MQTT over WebSocket on its own port, when configured. */
  mqttWsPort?: number;
  /** presence-ingest's /metrics port (rocketmq-dispatch's is the next one); absent with METRICS_PORT=off. */
  metricsPort?: number;
  dataDir: string;
  eventStoreUrl: string;
  instanceId: string;
  region: string;
  busUrl: string;
  maxRulesPerInstance: number;
  /** rule-manager's bearer tokens; empty when API_TOKENS is unset (rule-manager then generates one). */
  apiTokens: ApiToken[];
  /** Base64 of 32 bytes; when unset the key is kept in `DATA_DIR/credentials.key`. */
  credentialsKey?: string;
  /** This process's name among its peers (dispatch leases, presence channels), when NODE_ID is set. */
  nodeId?: string;
  dispatch: DispatchSettings;
}

/** rocketmq-dispatch's delivery settings (README "Delivery"). */
export interface DispatchSettings {
  /** Sends in flight at once, each for a different client (DISPATCH_CONCURRENCY). */
  concurrency: number;
  /** Notifications read ahead of the checkpoint at most: the rest of the backlog waits in the store. */
  window: number;
  /** Attempts before a permanently failing notification is dead-lettered (DISPATCH_MAX_ATTEMPTS). */
  maxAttempts: number;
  /** First retry delay, doubled per attempt up to the maximum (DISPATCH_RETRY_BASE_MS, DISPATCH_RETRY_MAX_MS). */
  baseBackoffMs: number;
  maxBackoffMs: number;
  /** Partitions of the client ID hash that dispatchers share, one owner each (DISPATCH_PARTITIONS). */
  partitions: number;
  /** How long a dispatcher's partition leases last unrenewed (DISPATCH_LEASE_TTL_MS); renewed every third. */
  leaseTtlMs: number;
}

const ID_PATTERN = /^[A-Za-z0-9_-]{3,64}$/;
const NODE_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;
const REGION_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

function port(env: Env, name: string, fallback: number): number {
  const text = read(env, name, String(fallback));
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < 1 || value > 65535) {
    throw new ConfigError(name, `${name}="${text}" is not a TCP port (1–65535): set ${name} to a free port`);
  }
  return value;
}

function matching(env: Env, name: string, fallback: string, pattern: RegExp, what: string): string {
  const value = read(env, name, fallback);
  if (!pattern.test(value)) throw new ConfigError(name, `${name}="${value}" must be ${what}: change ${name}`);
  return value;
}

/** MQTT_TLS_PORT with MQTT_TLS_CERT and MQTT_TLS_KEY: all three, or none. */
function mqttTls(env: Env): Pick<AppConfig, 'mqttTls'> {
  const certFile = env['MQTT_TLS_CERT']?.trim();
  const keyFile = env['MQTT_TLS_KEY']?.trim();
  const tlsPort = env['MQTT_TLS_PORT']?.trim();
  if (!certFile && !keyFile && !tlsPort) return {};
  for (const [name, value] of [
    ['MQTT_TLS_CERT', certFile],
    ['MQTT_TLS_KEY', keyFile],
    ['MQTT_TLS_PORT', tlsPort],
  ]) {
    if (!value)
      throw new ConfigError(
        name!,
        `${name} is missing: MQTT over TLS needs MQTT_TLS_PORT, MQTT_TLS_CERT and MQTT_TLS_KEY`,
      );
  }
  return { mqttTls: { port: port(env, 'MQTT_TLS_PORT', 8883), certFile: certFile!, keyFile: keyFile! } };
}

/** METRICS_PORT, a port, or `off` for no metrics listener in presence-ingest and rocketmq-dispatch. */
function metricsPort(env: Env): Pick<AppConfig, 'metricsPort'> {
  if (read(env, 'METRICS_PORT', '').toLowerCase() === 'off') return {};
  const metricsPort = port(env, 'METRICS_PORT', 9464);
  if (metricsPort === 65535) {
    throw new ConfigError(
      'METRICS_PORT',
      'METRICS_PORT must be 65534 or less: rocketmq-dispatch serves its metrics on the next port',
    );
  }
  return { metricsPort };
}

function flag(env: Env, name: string, fallback: boolean): boolean {
  const text = read(env, name, String(fallback)).toLowerCase();
  if (text !== 'true' && text !== 'false')
    throw new ConfigError(name, `${name}="${text}" must be true or false`);
  return text === 'true';
}

const isLoopback = (host: string) => host === 'localhost' || host === '::1' || host.startsWith('127.');

function eventStoreUrl(env: Env, dataDir: string): string {
  const value = read(env, 'EVENT_STORE_URL', `sqlite:${resolve(dataDir, 'events.db')}`);
  if (!/^(sqlite:.+|postgres(ql)?:\/\/.+)$/.test(value)) {
    throw new ConfigError(
      'EVENT_STORE_URL',
      'EVENT_STORE_URL must be sqlite:<file> or postgres://user@host:port/db: change EVENT_STORE_URL',
    );
  }
  return value;
}

function busUrl(env: Env): string {
  const value = read(env, 'BUS_URL', 'tcp://127.0.0.1:3100');
  if (!/^(tcp:\/\/[^:/]+:\d{1,5}|nats:\/\/.+)$/.test(value)) {
    throw new ConfigError(
      'BUS_URL',
      `BUS_URL="${value}" must be tcp://host:port or nats://host:port: change BUS_URL`,
    );
  }
  return value;
}

/** Reads and checks the environment; a bad value throws a ConfigError naming the variable to change. */
export function loadConfig(env: Env = process.env): AppConfig {
  const dataDir = resolve(read(env, 'DATA_DIR', './data'));
  const credentialsKey = env['CREDENTIALS_KEY']?.trim() || undefined;
  if (credentialsKey !== undefined && Buffer.from(credentialsKey, 'base64').length !== 32) {
    throw new ConfigError(
      'CREDENTIALS_KEY',
      'CREDENTIALS_KEY must be 32 bytes in base64 (openssl rand -base64 32)',
    );
  }
  const mqttHost = read(env, 'MQTT_HOST', '127.0.0.1');
  return {
    httpPort: port(env, 'HTTP_PORT', 3000),
    mqttPort: port(env, 'MQTT_PORT', 1883),
    mqttHost,
    mqttAllowAnonymous: flag(env, 'MQTT_ALLOW_ANONYMOUS', isLoopback(mqttHost)),
    ...mqttTls(env),
    mqttLimits: mqttLimits(env),
    ...(env['MQTT_WS_PORT']?.trim() && { mqttWsPort: port(env, 'MQTT_WS_PORT', 0) }),
    ...metricsPort(env),
    dataDir,
    eventStoreUrl: eventStoreUrl(env, dataDir),
    instanceId: matching(env, 'INSTANCE_ID', 'mqtt-local', ID_PATTERN, '3–64 characters of [A-Za-z0-9_-]'),
    region: matching(env, 'REGION', 'local', REGION_PATTERN, '1–64 characters of [A-Za-z0-9_-]'),
    busUrl: busUrl(env),
    maxRulesPerInstance: positiveInteger(env, 'MAX_RULES_PER_INSTANCE', 100),
    apiTokens: parseApiTokens(read(env, 'API_TOKENS', '')),
    ...(credentialsKey && { credentialsKey }),
    ...(env['NODE_ID']?.trim() && {
      nodeId: matching(env, 'NODE_ID', '', NODE_ID_PATTERN, '1–64 characters of [A-Za-z0-9_.:-]'),
    }),
    dispatch: dispatchSettings(env),
  };
}

function dispatchSettings(env: Env): DispatchSettings {
  const concurrency = positiveInteger(env, 'DISPATCH_CONCURRENCY', 256);
  if (concurrency > 1024)
    throw new ConfigError('DISPATCH_CONCURRENCY', 'DISPATCH_CONCURRENCY must be 1024 or less');
  const baseBackoffMs = positiveInteger(env, 'DISPATCH_RETRY_BASE_MS', 1_000);
  const maxBackoffMs = positiveInteger(env, 'DISPATCH_RETRY_MAX_MS', 10_000);
  if (maxBackoffMs < baseBackoffMs)
    throw new ConfigError(
      'DISPATCH_RETRY_MAX_MS',
      `DISPATCH_RETRY_MAX_MS (${maxBackoffMs}) must not be below DISPATCH_RETRY_BASE_MS (${baseBackoffMs})`,
    );
  const partitions = positiveInteger(env, 'DISPATCH_PARTITIONS', 16);
  if (partitions > 1024)
    throw new ConfigError('DISPATCH_PARTITIONS', 'DISPATCH_PARTITIONS must be 1024 or less');
  const leaseTtlMs = positiveInteger(env, 'DISPATCH_LEASE_TTL_MS', 10_000);
  if (leaseTtlMs < 300)
    throw new ConfigError(
      'DISPATCH_LEASE_TTL_MS',
      'DISPATCH_LEASE_TTL_MS must be 300 or more (milliseconds)',
    );
  return {
    concurrency,
    partitions,
    leaseTtlMs,
    window: positiveInteger(env, 'DISPATCH_WINDOW', 10_000),
    maxAttempts: positiveInteger(env, 'DISPATCH_MAX_ATTEMPTS', 5),
    baseBackoffMs,
    maxBackoffMs,
  };
}

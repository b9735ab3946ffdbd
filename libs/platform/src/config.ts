import { resolve } from 'node:path';
import { parseApiTokens, type ApiToken } from './api-tokens.js';
import type * as z from 'zod';
import { redactedBusUrl } from './bus.js';
import { ConfigError } from './config-error.js';
import {
  base64Key,
  firstProblem,
  flag,
  given,
  matching,
  optionalMatching,
  optionalText,
  optionalPort,
  port,
  portRule,
  positiveInteger,
  text,
  variable,
  variables,
  type Env,
} from './env-values.js';
import {
  DISPATCH_VARIABLES,
  dispatchSettings,
  retryProblems,
  type DispatchSettings,
} from './dispatch-settings.js';
import { MQTT_LIMIT_VARIABLES, mqttLimits, type MqttLimits } from './mqtt-limits.js';
import { retentionDuration } from './retention-settings.js';

export { ConfigError };
export type { DispatchSettings };

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
  /** rule-manager's gRPC API (README "gRPC API"). */
  grpcPort: number;
  /** gRPC over TLS, when a certificate and key are configured (PEM files). */
  grpcTls?: { certFile: string; keyFile: string };
  /** WatchPresence streams open at once at most (GRPC_MAX_WATCHERS). */
  grpcMaxWatchers: number;
  dataDir: string;
  eventStoreUrl: string;
  /** Where retention archives events before it removes them (ARCHIVE_DIR); absent: removed without a copy. */
  archiveDir?: string;
  instanceId: string;
  region: string;
  busUrl: string;
  maxRulesPerInstance: number;
  /** rule-manager's bearer tokens; empty when API_TOKENS is unset (rule-manager then generates one). */
  apiTokens: ApiToken[];
  /** Base64 of 32 bytes; when unset the key is kept in `DATA_DIR/credentials.key`. */
  credentialsKey?: string;
  /** Base64 of 32 bytes that every bus request proves; when unset the secret is kept in `DATA_DIR/bus.secret`. */
  busSecret?: string;
  /** This process's name among its peers (dispatch leases, presence channels), when NODE_ID is set. */
  nodeId?: string;
  dispatch: DispatchSettings;
  /** How long presence and delivery events are kept (EVENT_RETENTION); absent with `off` (kept forever). */
  eventRetentionMs?: number;
}

const isLoopback = (host: string) => host === 'localhost' || host === '::1' || host.startsWith('127.');

/**
 * Every variable (README "Configuration") with its default and rule, in the order they are checked: the first
 * broken one stops the app with a line naming it.
 */
const VARIABLES = variables({
  DATA_DIR: text('./data'),
  CREDENTIALS_KEY: base64Key,
  BUS_SECRET: base64Key,
  MQTT_HOST: text('127.0.0.1'),
  HTTP_PORT: port(3000),
  MQTT_PORT: port(1883),
  MQTT_ALLOW_ANONYMOUS: flag,
  MQTT_TLS_CERT: optionalText,
  MQTT_TLS_KEY: optionalText,
  MQTT_TLS_PORT: optionalPort,
  ...MQTT_LIMIT_VARIABLES,
  MQTT_WS_PORT: optionalPort,
  METRICS_PORT: (name: string) =>
    variable('9464', (value, refuse) => {
      if (value.toLowerCase() === 'off') return undefined;
      const metricsPort = portRule(name)(value, refuse);
      if (metricsPort === 65535)
        refuse(
          'range',
          `${name} must be 65534 or less: rocketmq-dispatch serves its metrics on the next port`,
        );
      return metricsPort;
    })(name),
  GRPC_PORT: port(50051),
  GRPC_TLS_CERT: optionalText,
  GRPC_TLS_KEY: optionalText,
  GRPC_MAX_WATCHERS: positiveInteger(256, 10_000),
  EVENT_STORE_URL: variable(undefined, (value, refuse) => {
    if (!/^(sqlite:.+|postgres(ql)?:\/\/.+)$/.test(value))
      refuse(
        'pattern',
        'EVENT_STORE_URL must be sqlite:<file> or postgres://user@host:port/db: change EVENT_STORE_URL',
      );
    return value;
  }),
  ARCHIVE_DIR: optionalText,
  INSTANCE_ID: matching('mqtt-local', /^[A-Za-z0-9_-]{3,64}$/, '3–64 characters of [A-Za-z0-9_-]'),
  REGION: matching('local', /^[A-Za-z0-9_-]{1,64}$/, '1–64 characters of [A-Za-z0-9_-]'),
  BUS_URL: variable('tcp://127.0.0.1:3100', (value, refuse) => {
    if (!/^(tcp:\/\/[^:/]+:\d{1,5}|nats:\/\/.+)$/.test(value))
      refuse(
        'pattern',
        `BUS_URL="${redactedBusUrl(value)}" must be tcp://host:port or nats://host:port: change BUS_URL`,
      );
    return value;
  }),
  MAX_RULES_PER_INSTANCE: positiveInteger(100),
  API_TOKENS: variable('', (value) => parseApiTokens(value)),
  NODE_ID: optionalMatching(/^[A-Za-z0-9_.:-]{1,64}$/, '1–64 characters of [A-Za-z0-9_.:-]'),
  ...DISPATCH_VARIABLES,
  EVENT_RETENTION: retentionDuration,
});
/** The variables the apps read, in the order they are checked. */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(VARIABLES.shape);
const NAMES = CONFIG_VARIABLES;
type Values = z.output<typeof VARIABLES>;

/** The rules between variables, each at the variable to change. */
function crossProblems(env: Record<string, string | undefined>): z.core.$ZodIssue[] {
  const problem = (name: string, rule: string, message: string) =>
    ({ code: 'custom', path: [name], message, params: { rule }, input: env[name] }) as z.core.$ZodIssue;
  const tls = ['MQTT_TLS_CERT', 'MQTT_TLS_KEY', 'MQTT_TLS_PORT'];
  const missing = tls.find((name) => env[name] === undefined);
  const problems =
    missing && tls.some((name) => env[name] !== undefined)
      ? [
          problem(
            missing,
            'required',
            `${missing} is missing: MQTT over TLS needs MQTT_TLS_PORT, MQTT_TLS_CERT and MQTT_TLS_KEY`,
          ),
        ]
      : [];
  const [cert, key] = [env['GRPC_TLS_CERT'], env['GRPC_TLS_KEY']];
  if ((cert === undefined) !== (key === undefined)) {
    const absent = cert === undefined ? 'GRPC_TLS_CERT' : 'GRPC_TLS_KEY';
    problems.push(
      problem(absent, 'required', `${absent} is missing: gRPC over TLS needs GRPC_TLS_CERT and GRPC_TLS_KEY`),
    );
  }
  problems.push(...retryProblems(env).map(([name, rule, message]) => problem(name, rule, message)));
  return problems;
}

/** Reads and checks the environment; a bad value throws a ConfigError naming the variable and the rule. */
export function loadConfig(env: Env = process.env): AppConfig {
  const values = given(env, NAMES);
  const parsed = VARIABLES.safeParse(values);
  const problems = [...(parsed.success ? [] : parsed.error.issues), ...crossProblems(values)];
  if (problems.length > 0) throw firstProblem(problems, NAMES);
  return appConfig(parsed.data as Values);
}

function appConfig(v: Values): AppConfig {
  const dataDir = resolve(v.DATA_DIR);
  // All three or none: crossProblems refused the rest.
  const tls = v.MQTT_TLS_PORT !== undefined && {
    port: v.MQTT_TLS_PORT,
    certFile: v.MQTT_TLS_CERT!,
    keyFile: v.MQTT_TLS_KEY!,
  };
  return {
    httpPort: v.HTTP_PORT,
    mqttPort: v.MQTT_PORT,
    mqttHost: v.MQTT_HOST,
    mqttAllowAnonymous: v.MQTT_ALLOW_ANONYMOUS ?? isLoopback(v.MQTT_HOST),
    ...(tls && { mqttTls: tls }),
    mqttLimits: mqttLimits(v),
    ...(v.MQTT_WS_PORT !== undefined && { mqttWsPort: v.MQTT_WS_PORT }),
    ...(v.METRICS_PORT !== undefined && { metricsPort: v.METRICS_PORT }),
    grpcPort: v.GRPC_PORT,
    grpcMaxWatchers: v.GRPC_MAX_WATCHERS,
    ...(v.GRPC_TLS_CERT !== undefined && {
      grpcTls: { certFile: v.GRPC_TLS_CERT, keyFile: v.GRPC_TLS_KEY! },
    }),
    dataDir,
    eventStoreUrl: v.EVENT_STORE_URL ?? `sqlite:${resolve(dataDir, 'events.db')}`,
    ...(v.ARCHIVE_DIR !== undefined && { archiveDir: resolve(v.ARCHIVE_DIR) }),
    instanceId: v.INSTANCE_ID,
    region: v.REGION,
    busUrl: v.BUS_URL,
    maxRulesPerInstance: v.MAX_RULES_PER_INSTANCE,
    apiTokens: v.API_TOKENS,
    ...(v.CREDENTIALS_KEY !== undefined && { credentialsKey: v.CREDENTIALS_KEY }),
    ...(v.BUS_SECRET !== undefined && { busSecret: v.BUS_SECRET }),
    ...(v.NODE_ID !== undefined && { nodeId: v.NODE_ID }),
    dispatch: dispatchSettings(v),
    ...(v.EVENT_RETENTION !== undefined && { eventRetentionMs: v.EVENT_RETENTION }),
  };
}

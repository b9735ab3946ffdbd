import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The gRPC API's .proto files (README "gRPC API"). The build copies this folder beside the compiled lib
 * (dist/libs/contracts/proto), so a deployed app finds them next to its code, as callers do in the repository.
 */
export const PROTO_DIR = fileURLToPath(new URL('../proto', import.meta.url));

/** The standard google.rpc protos (Status, error details), for the details of a refusal. */
export const GOOGLE_PROTO_DIR = dirname(
  createRequire(import.meta.url).resolve('google-proto-files/package.json'),
);

export const API_PACKAGE = 'mqtt_status_relay.v1';

/** Relative to PROTO_DIR, one file per service. */
export const API_PROTO_FILES = [
  'mqtt_status_relay/v1/rules.proto',
  'mqtt_status_relay/v1/groups.proto',
  'mqtt_status_relay/v1/rocketmq_instances.proto',
  'mqtt_status_relay/v1/client_status.proto',
  'mqtt_status_relay/v1/delivery.proto',
  'mqtt_status_relay/v1/presence.proto',
] as const;

export const API_SERVICES = [
  'RuleService',
  'GroupService',
  'RocketmqInstanceService',
  'ClientStatusService',
  'DeliveryService',
  'PresenceService',
] as const;
export type ApiServiceName = (typeof API_SERVICES)[number];

/** Events of the control plane stream (`rules-<mqttInstanceId>`). Past tense; data is plain JSON. */

export const RULE_STATUSES = ['ENABLED', 'DISABLED'] as const;
export type RuleStatus = (typeof RULE_STATUSES)[number];

export const SUPPORTED_RULE_TYPES = ['CLIENT_STATUS_NOTIFY'] as const;
/** Recognised from the original product but not offered here: they answer "not supported", not "invalid". */
export const UNSUPPORTED_RULE_TYPES = ['DATA_OUTBOUND', 'DATA_INBOUND'] as const;
export type RuleType = (typeof SUPPORTED_RULE_TYPES)[number];

export const TARGET_SERVICE_TYPES = ['ROCKETMQ'] as const;
export type TargetServiceType = (typeof TARGET_SERVICE_TYPES)[number];

export interface RuleDefinition {
  [key: string]: unknown;
  ruleId: string;
  description?: string;
  status: RuleStatus;
  ruleType: RuleType;
  source: { groupId: string };
  target: { serviceType: TargetServiceType; instanceId: string; topic: string };
}

export interface GroupData {
  [key: string]: unknown;
  groupId: string;
  description?: string;
}

/** The secret key is stored only encrypted (by the app, with the configured key); the domain never sees it. */
export interface RocketmqCredentials {
  accessKey: string;
  secretKeyCiphertext: string;
}

export interface RocketmqInstanceData {
  [key: string]: unknown;
  instanceId: string;
  region: string;
  /** Exactly one of the two: the gRPC proxy address (`host:port`), or the remoting name servers. */
  endpoints?: string;
  /** `host:port[;host:port…]`: the remoting protocol (RocketMQ 4.x name servers and brokers), without TLS. */
  nameServer?: string;
  namespace: string;
  tls: boolean;
  credentials?: RocketmqCredentials;
}

export type GroupRegistered = { type: 'GroupRegistered'; data: GroupData };
export type RocketmqInstanceRegistered = { type: 'RocketmqInstanceRegistered'; data: RocketmqInstanceData };
export type GroupUpdated = { type: 'GroupUpdated'; data: GroupData };
export type GroupDeleted = { type: 'GroupDeleted'; data: { groupId: string } };
/** The whole instance after the change (credentials only as ciphertext). */
export type RocketmqInstanceUpdated = { type: 'RocketmqInstanceUpdated'; data: RocketmqInstanceData };
export type RocketmqInstanceDeleted = { type: 'RocketmqInstanceDeleted'; data: { instanceId: string } };
/** Who may connect: one username/password for a whole group, or for one device (client ID), which wins. */
export type CredentialScope = 'group' | 'device';

export interface DeviceCredentialsData {
  [key: string]: unknown;
  scope: CredentialScope;
  /** The group ID or the client ID. */
  id: string;
  username: string;
  /** Only a salted, slow hash (computed by the app): the password itself is never stored. */
  passwordHash: string;
}

export type DeviceCredentialsSet = { type: 'DeviceCredentialsSet'; data: DeviceCredentialsData };
export type DeviceCredentialsRemoved = {
  type: 'DeviceCredentialsRemoved';
  data: { scope: CredentialScope; id: string };
};
/**
 * Which topics a whole group, or one device (whose own list wins), may publish to and subscribe to: MQTT topic
 * filters, with `${clientid}`, `${groupid}` and `${deviceid}` standing for the requester's. Absent = the default.
 */
export interface TopicPermissionsData {
  [key: string]: unknown;
  scope: CredentialScope;
  /** The group ID or the client ID. */
  id: string;
  publish: string[];
  subscribe: string[];
}

export type TopicPermissionsSet = { type: 'TopicPermissionsSet'; data: TopicPermissionsData };
export type TopicPermissionsRemoved = {
  type: 'TopicPermissionsRemoved';
  data: { scope: CredentialScope; id: string };
};
/** An access key for the original product's signature mode; its secret only as ciphertext. */
export interface AccessKeyData {
  [key: string]: unknown;
  accessKeyId: string;
  secretCiphertext: string;
  description?: string;
}
export type AccessKeyCreated = { type: 'AccessKeyCreated'; data: AccessKeyData };
export type AccessKeyDeleted = { type: 'AccessKeyDeleted'; data: { accessKeyId: string } };
export type RuleCreated = { type: 'RuleCreated'; data: RuleDefinition };
/** The whole definition after the edit; the rule's history shows what changed by comparing it with the one before. */
export type RuleUpdated = { type: 'RuleUpdated'; data: RuleDefinition };
export type RuleEnabled = { type: 'RuleEnabled'; data: { ruleId: string } };
export type RuleDisabled = { type: 'RuleDisabled'; data: { ruleId: string } };
/** The rule ID is free again afterwards; its history keeps both lives. */
export type RuleDeleted = { type: 'RuleDeleted'; data: { ruleId: string } };

export type ControlPlaneEvent =
  | GroupRegistered
  | GroupUpdated
  | GroupDeleted
  | RocketmqInstanceRegistered
  | RocketmqInstanceUpdated
  | RocketmqInstanceDeleted
  | DeviceCredentialsSet
  | DeviceCredentialsRemoved
  | TopicPermissionsSet
  | TopicPermissionsRemoved
  | AccessKeyCreated
  | AccessKeyDeleted
  | RuleCreated
  | RuleUpdated
  | RuleEnabled
  | RuleDisabled
  | RuleDeleted;
export type ControlPlaneEventType = ControlPlaneEvent['type'];

const TYPES: Record<ControlPlaneEventType, true> = {
  GroupRegistered: true,
  GroupUpdated: true,
  GroupDeleted: true,
  RocketmqInstanceRegistered: true,
  RocketmqInstanceUpdated: true,
  RocketmqInstanceDeleted: true,
  DeviceCredentialsSet: true,
  DeviceCredentialsRemoved: true,
  TopicPermissionsSet: true,
  TopicPermissionsRemoved: true,
  AccessKeyCreated: true,
  AccessKeyDeleted: true,
  RuleCreated: true,
  RuleUpdated: true,
  RuleEnabled: true,
  RuleDisabled: true,
  RuleDeleted: true,
};
export const CONTROL_PLANE_EVENT_TYPES = Object.keys(TYPES) as ControlPlaneEventType[];

export function isControlPlaneEvent<E extends { type: string }>(event: E): event is E & ControlPlaneEvent {
  return Object.hasOwn(TYPES, event.type);
}

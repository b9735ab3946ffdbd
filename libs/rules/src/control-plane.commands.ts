import type { RocketmqCredentials } from './control-plane.events.js';

/** The MQTT instance this deployment is, and its limits: configuration, passed to every decision. */
export interface ControlPlaneContext {
  mqttInstanceId: string;
  region: string;
  /** SPEC §3: 100 by default; disabled rules count. */
  maxRulesPerInstance: number;
}

/** Commands carry untrusted input (`unknown` fields are checked by decide), never a clock or random IDs. */
export type RegisterGroup = { type: 'RegisterGroup'; data: { input: unknown } };

/** The app encrypts the secret key before the command is built; the domain only stores the ciphertext. */
export type RegisterRocketmqInstance = {
  type: 'RegisterRocketmqInstance';
  data: { input: unknown; credentials?: RocketmqCredentials };
};

export type UpdateGroup = { type: 'UpdateGroup'; data: { groupId: string; input: unknown } };
export type DeleteGroup = { type: 'DeleteGroup'; data: { groupId: string } };

/** `credentials` absent keeps the stored ones; the input may clear them with `accessKey: null`. */
export type UpdateRocketmqInstance = {
  type: 'UpdateRocketmqInstance';
  data: { instanceId: string; input: unknown; credentials?: RocketmqCredentials };
};
export type DeleteRocketmqInstance = { type: 'DeleteRocketmqInstance'; data: { instanceId: string } };

/** The app hashes the password before the command is built; the domain only stores the hash. */
export type SetDeviceCredentials = {
  type: 'SetDeviceCredentials';
  data: { scope: 'group' | 'device'; id: string; input: unknown; passwordHash: string };
};
export type RemoveDeviceCredentials = {
  type: 'RemoveDeviceCredentials';
  data: { scope: 'group' | 'device'; id: string };
};

/** `input` is the body: `{"publish": [filters], "subscribe": [filters]}`, replacing any lists set before. */
export type SetTopicPermissions = {
  type: 'SetTopicPermissions';
  data: { scope: 'group' | 'device'; id: string; input: unknown };
};
export type RemoveTopicPermissions = {
  type: 'RemoveTopicPermissions';
  data: { scope: 'group' | 'device'; id: string };
};

/** The app generates the key's ID and secret and encrypts the secret; the domain keeps the ciphertext. */
export type CreateAccessKey = {
  type: 'CreateAccessKey';
  data: { accessKeyId: string; secretCiphertext: string; input: unknown };
};
export type DeleteAccessKey = { type: 'DeleteAccessKey'; data: { accessKeyId: string } };

export type CreateRule = { type: 'CreateRule'; data: { input: unknown } };

/**
 * Commands on an existing rule. `expectedVersions` are the versions the caller's `If-Match` names: when given, the
 * rule must still be at one of them (none matches an empty list), so an edit based on a stale read changes nothing.
 */
interface RuleTarget {
  ruleId: string;
  expectedVersions?: readonly number[];
}
export type UpdateRule = { type: 'UpdateRule'; data: RuleTarget & { input: unknown } };
export type EnableRule = { type: 'EnableRule'; data: RuleTarget };
export type DisableRule = { type: 'DisableRule'; data: RuleTarget };
export type DeleteRule = { type: 'DeleteRule'; data: RuleTarget };

export type ControlPlaneCommand =
  | RegisterGroup
  | UpdateGroup
  | DeleteGroup
  | RegisterRocketmqInstance
  | UpdateRocketmqInstance
  | DeleteRocketmqInstance
  | SetDeviceCredentials
  | RemoveDeviceCredentials
  | SetTopicPermissions
  | RemoveTopicPermissions
  | CreateAccessKey
  | DeleteAccessKey
  | CreateRule
  | UpdateRule
  | EnableRule
  | DisableRule
  | DeleteRule;

import { CLIENT_ID_SEPARATOR } from '#libs/presence';
import type {
  AccessKeyData,
  ControlPlaneEvent,
  CredentialScope,
  DeviceCredentialsData,
  GroupData,
  RocketmqInstanceData,
  RuleDefinition,
  RuleStatus,
  TopicPermissionsData,
} from './control-plane.events.js';

/** Where an event sits in the control plane stream and when it happened; evolve needs both. */
export interface EventPosition {
  /** Version of the event in the control plane stream. */
  streamVersion: number;
  occurredAt: number;
}

export interface Rule extends RuleDefinition {
  /** Stream version of the rule's last event: the `ETag` of the API. */
  version: number;
  createdAt: number;
  updatedAt: number;
}

export interface Group extends GroupData {
  createdAt: number;
}

export interface RocketmqInstance extends RocketmqInstanceData {
  createdAt: number;
}

/** Everything one MQTT instance's control plane knows, folded from its stream. Plain data, keyed by ID. */
export interface ControlPlaneState {
  version: number;
  groups: Record<string, Group>;
  rocketmqInstances: Record<string, RocketmqInstance>;
  rules: Record<string, Rule>;
  /** Keyed by `credentialsKey(scope, id)`. */
  credentials: Record<string, DeviceCredentialsData>;
  /** Keyed by `credentialsKey(scope, id)`, like the credentials. */
  topicPermissions: Record<string, TopicPermissionsData>;
  accessKeys: Record<string, AccessKey>;
}

export interface AccessKey extends AccessKeyData {
  createdAt: number;
}

export const credentialsKey = (scope: CredentialScope, id: string) => `${scope}:${id}`;

export const initialControlPlaneState = (): ControlPlaneState => ({
  version: 0,
  groups: {},
  rocketmqInstances: {},
  rules: {},
  credentials: {},
  topicPermissions: {},
  accessKeys: {},
});

/** Without the entries of this group and of its devices. */
function withoutGroup<T extends { scope: CredentialScope; id: string }>(
  entries: Record<string, T>,
  groupId: string,
): Record<string, T> {
  const prefix = `${groupId}${CLIENT_ID_SEPARATOR}`;
  return Object.fromEntries(
    Object.entries(entries).filter(
      ([, e]) =>
        !(e.scope === 'group' && e.id === groupId) && !(e.scope === 'device' && e.id.startsWith(prefix)),
    ),
  );
}

export function evolveControlPlane(
  state: ControlPlaneState,
  event: ControlPlaneEvent,
  at: EventPosition,
): ControlPlaneState {
  const next = { ...state, version: at.streamVersion };
  switch (event.type) {
    case 'GroupRegistered':
      return {
        ...next,
        groups: { ...state.groups, [event.data.groupId]: { ...event.data, createdAt: at.occurredAt } },
      };
    case 'GroupUpdated': {
      const group = state.groups[event.data.groupId];
      if (!group) return next;
      return {
        ...next,
        groups: { ...state.groups, [group.groupId]: { ...event.data, createdAt: group.createdAt } },
      };
    }
    case 'GroupDeleted': {
      // A deleted group's credentials and topic permissions go with it (its devices' own too).
      const { [event.data.groupId]: _deleted, ...groups } = state.groups;
      const credentials = withoutGroup(state.credentials, event.data.groupId);
      const topicPermissions = withoutGroup(state.topicPermissions, event.data.groupId);
      return { ...next, groups, credentials, topicPermissions };
    }
    case 'RocketmqInstanceUpdated': {
      const instance = state.rocketmqInstances[event.data.instanceId];
      if (!instance) return next;
      const updated = { ...event.data, createdAt: instance.createdAt };
      return { ...next, rocketmqInstances: { ...state.rocketmqInstances, [instance.instanceId]: updated } };
    }
    case 'RocketmqInstanceDeleted': {
      const { [event.data.instanceId]: _deleted, ...rocketmqInstances } = state.rocketmqInstances;
      return { ...next, rocketmqInstances };
    }
    case 'DeviceCredentialsSet':
      return {
        ...next,
        credentials: { ...state.credentials, [credentialsKey(event.data.scope, event.data.id)]: event.data },
      };
    case 'DeviceCredentialsRemoved': {
      const { [credentialsKey(event.data.scope, event.data.id)]: _removed, ...credentials } =
        state.credentials;
      return { ...next, credentials };
    }
    case 'TopicPermissionsSet':
      return {
        ...next,
        topicPermissions: {
          ...state.topicPermissions,
          [credentialsKey(event.data.scope, event.data.id)]: event.data,
        },
      };
    case 'TopicPermissionsRemoved': {
      const { [credentialsKey(event.data.scope, event.data.id)]: _removed, ...topicPermissions } =
        state.topicPermissions;
      return { ...next, topicPermissions };
    }
    case 'AccessKeyCreated':
      return {
        ...next,
        accessKeys: {
          ...state.accessKeys,
          [event.data.accessKeyId]: { ...event.data, createdAt: at.occurredAt },
        },
      };
    case 'AccessKeyDeleted': {
      const { [event.data.accessKeyId]: _deleted, ...accessKeys } = state.accessKeys;
      return { ...next, accessKeys };
    }
    case 'RocketmqInstanceRegistered':
      return {
        ...next,
        rocketmqInstances: {
          ...state.rocketmqInstances,
          [event.data.instanceId]: { ...event.data, createdAt: at.occurredAt },
        },
      };
    case 'RuleCreated': {
      const rule: Rule = {
        ...event.data,
        version: at.streamVersion,
        createdAt: at.occurredAt,
        updatedAt: at.occurredAt,
      };
      return { ...next, rules: { ...state.rules, [rule.ruleId]: rule } };
    }
    case 'RuleUpdated':
    case 'RuleEnabled':
    case 'RuleDisabled': {
      const rule = state.rules[event.data.ruleId];
      if (!rule) return next;
      const changed = event.type === 'RuleUpdated' ? event.data : { status: statusAfter(event.type) };
      const updated: Rule = { ...rule, ...changed, version: at.streamVersion, updatedAt: at.occurredAt };
      if (event.type === 'RuleUpdated' && event.data.description === undefined) delete updated.description;
      return { ...next, rules: { ...state.rules, [rule.ruleId]: updated } };
    }
    case 'RuleDeleted': {
      const { [event.data.ruleId]: _deleted, ...rules } = state.rules;
      return { ...next, rules };
    }
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}

const statusAfter = (type: 'RuleEnabled' | 'RuleDisabled'): RuleStatus =>
  type === 'RuleEnabled' ? 'ENABLED' : 'DISABLED';

/** The rules that send to this RocketMQ instance. */
export function rulesTargeting(state: ControlPlaneState, instanceId: string): Rule[] {
  return Object.values(state.rules).filter((rule) => rule.target.instanceId === instanceId);
}

/** The rule (if any) whose source is this group. At most one exists (SPEC §3, check 3). */
export function ruleForGroup(state: ControlPlaneState, groupId: string): Rule | undefined {
  return Object.values(state.rules).find((rule) => rule.source.groupId === groupId);
}

import type { Group, HistoryEntry, RocketmqInstance, Rule } from '#libs/rules';

export const iso = (epochMs: number) => new Date(epochMs).toISOString();

export function ruleRepresentation(rule: Rule) {
  return {
    ruleId: rule.ruleId,
    ...(rule.description !== undefined && { description: rule.description }),
    status: rule.status,
    ruleType: rule.ruleType,
    source: rule.source,
    target: rule.target,
    version: rule.version,
    createdAt: iso(rule.createdAt),
    updatedAt: iso(rule.updatedAt),
  };
}

export function groupRepresentation(group: Group) {
  return {
    groupId: group.groupId,
    ...(group.description !== undefined && { description: group.description }),
    createdAt: iso(group.createdAt),
  };
}

/** The secret key is write-only: only whether one is set is ever shown. */
export function rocketmqInstanceRepresentation(instance: RocketmqInstance) {
  return {
    instanceId: instance.instanceId,
    region: instance.region,
    ...(instance.nameServer !== undefined
      ? { nameServer: instance.nameServer }
      : { endpoints: instance.endpoints }),
    namespace: instance.namespace,
    tls: instance.tls,
    ...(instance.credentials && { accessKey: instance.credentials.accessKey, secretKeySet: true }),
    createdAt: iso(instance.createdAt),
  };
}

export const historyRepresentation = (entry: HistoryEntry) => ({
  ...entry,
  occurredAt: iso(entry.occurredAt),
});

import type { ControlPlaneEvent } from './control-plane.events.js';
import {
  evolveControlPlane,
  initialControlPlaneState,
  type ControlPlaneState,
  type EventPosition,
} from './control-plane.state.js';

/** A control plane event as stored, with who caused it. */
export interface AuditedEvent {
  event: ControlPlaneEvent;
  at: EventPosition;
  actor: string;
  correlationId?: string;
}

export interface HistoryEntry {
  version: number;
  type: ControlPlaneEvent['type'];
  occurredAt: number;
  actor: string;
  correlationId?: string;
  /** Each field that changed, by dotted path: its value before and after (absent = undefined). */
  changes: Record<string, { before?: unknown; after?: unknown }>;
}

const RULE_FIELDS = [
  'ruleId',
  'description',
  'status',
  'ruleType',
  'source.groupId',
  'target.serviceType',
  'target.instanceId',
  'target.topic',
] as const;

/** Never the secret's ciphertext: only the access key it goes with. */
const INSTANCE_FIELDS = [
  'instanceId',
  'region',
  'endpoints',
  'nameServer',
  'namespace',
  'tls',
  'credentials.accessKey',
] as const;

function field(entity: object | undefined, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], entity);
}

/**
 * Every event of one rule, oldest first, with what it changed. A rule ID freed by delete and used again shows
 * both lives: the deletion (everything to absent), then the new creation.
 */
export function ruleHistory(events: AuditedEvent[], ruleId: string): HistoryEntry[] {
  return historyOf(
    events,
    (state) => state.rules[ruleId],
    (event) => 'ruleId' in event.data && event.data.ruleId === ruleId,
    RULE_FIELDS,
  );
}

/** Every event of one RocketMQ instance, as ruleHistory: a change of kind shows as endpoints ↔ nameServer. */
export function rocketmqInstanceHistory(events: AuditedEvent[], instanceId: string): HistoryEntry[] {
  return historyOf(
    events,
    (state) => state.rocketmqInstances[instanceId],
    (event) =>
      event.type.startsWith('RocketmqInstance') &&
      'instanceId' in event.data &&
      event.data.instanceId === instanceId,
    INSTANCE_FIELDS,
  );
}

function historyOf(
  events: AuditedEvent[],
  select: (state: ControlPlaneState) => object | undefined,
  concerns: (event: ControlPlaneEvent) => boolean,
  fields: readonly string[],
): HistoryEntry[] {
  let state = initialControlPlaneState();
  const entries: HistoryEntry[] = [];
  for (const { event, at, actor, correlationId } of events) {
    const before = select(state);
    state = evolveControlPlane(state, event, at);
    if (!concerns(event)) continue;
    const after = select(state);
    const changes: HistoryEntry['changes'] = {};
    for (const path of fields) {
      const [was, is] = [field(before, path), field(after, path)];
      if (was !== is)
        changes[path] = { ...(was !== undefined && { before: was }), ...(is !== undefined && { after: is }) };
    }
    entries.push({
      version: at.streamVersion,
      type: event.type,
      occurredAt: at.occurredAt,
      actor,
      ...(correlationId !== undefined && { correlationId }),
      changes,
    });
  }
  return entries;
}

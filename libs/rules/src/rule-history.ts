import type { ControlPlaneEvent } from './control-plane.events.js';
import {
  evolveControlPlane,
  initialControlPlaneState,
  type EventPosition,
  type Rule,
} from './control-plane.state.js';

/** A control plane event as stored, with who caused it. */
export interface AuditedEvent {
  event: ControlPlaneEvent;
  at: EventPosition;
  actor: string;
  correlationId?: string;
}

export interface RuleHistoryEntry {
  version: number;
  type: ControlPlaneEvent['type'];
  occurredAt: number;
  actor: string;
  correlationId?: string;
  /** Each field that changed, by dotted path: its value before and after (absent = undefined). */
  changes: Record<string, { before?: unknown; after?: unknown }>;
}

const FIELDS = [
  'ruleId',
  'description',
  'status',
  'ruleType',
  'source.groupId',
  'target.serviceType',
  'target.instanceId',
  'target.topic',
] as const;

function field(rule: Rule | undefined, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], rule);
}

/**
 * Every event of one rule, oldest first, with what it changed. A rule ID freed by delete and used again shows
 * both lives: the deletion (everything to absent), then the new creation.
 */
export function ruleHistory(events: AuditedEvent[], ruleId: string): RuleHistoryEntry[] {
  let state = initialControlPlaneState();
  const entries: RuleHistoryEntry[] = [];
  for (const { event, at, actor, correlationId } of events) {
    const before = state.rules[ruleId];
    state = evolveControlPlane(state, event, at);
    if (!('ruleId' in event.data) || event.data.ruleId !== ruleId) continue;
    const after = state.rules[ruleId];
    const changes: RuleHistoryEntry['changes'] = {};
    for (const path of FIELDS) {
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

import { isControlPlaneEvent, ruleHistory, RulesError, type AuditedEvent } from '#libs/rules';
import type { ControlPlaneRepository } from '../control-plane/control-plane.repository.js';

/** Every event of the rule (both lives of a reused rule ID) with actor, time, correlation ID and changes. */
export async function readRuleHistory(repository: ControlPlaneRepository, ruleId: string) {
  const stored = await repository.store.readStream(repository.stream);
  const audited: AuditedEvent[] = stored.filter(isControlPlaneEvent).map((event) => ({
    event,
    at: { streamVersion: event.version, occurredAt: event.metadata.occurredAt },
    actor: event.metadata.actor,
    ...(event.metadata.correlationId !== undefined && { correlationId: event.metadata.correlationId }),
  }));
  const entries = ruleHistory(audited, ruleId);
  if (entries.length === 0)
    throw RulesError.of('RULE_NOT_FOUND', 'ruleId', 'exists', `rule ${ruleId} never existed`);
  return {
    ruleId,
    items: entries.map((entry) => ({ ...entry, occurredAt: new Date(entry.occurredAt).toISOString() })),
  };
}

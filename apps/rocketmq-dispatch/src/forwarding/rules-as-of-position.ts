import type { RecordedEvent } from '#libs/event-store';
import {
  evolveControlPlane,
  initialControlPlaneState,
  isControlPlaneEvent,
  type ControlPlaneState,
} from '#libs/rules';

/**
 * The control plane as it stood at a position of the global log. Dispatch reads the log in order and applies
 * each rule change when it reaches it, so every presence event is routed by the rules of its own moment
 * (SPEC §3): enabling, disabling or editing a rule never acts retroactively.
 */
export class RulesAsOfPosition {
  private state: ControlPlaneState = initialControlPlaneState();
  private position = 0;

  get current(): ControlPlaneState {
    return this.state;
  }

  /** Applies a control plane event once, in log order (a re-read batch does not apply it twice). */
  apply(event: RecordedEvent): void {
    if (event.position <= this.position || !isControlPlaneEvent(event)) return;
    this.state = evolveControlPlane(this.state, event, {
      streamVersion: event.version,
      occurredAt: event.metadata.occurredAt,
    });
    this.position = event.position;
  }
}

export function rulesAsOf(controlPlaneEvents: RecordedEvent[], position: number): RulesAsOfPosition {
  const rules = new RulesAsOfPosition();
  for (const event of controlPlaneEvents) if (event.position <= position) rules.apply(event);
  return rules;
}

export { initialControlPlaneState };

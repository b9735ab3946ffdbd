import { isControlPlaneEvent } from './control-plane.events.js';
import {
  evolveControlPlane,
  initialControlPlaneState,
  type ControlPlaneState,
} from './control-plane.state.js';

/** An event as the store gives it back: where it sits in the global log and in its stream. */
export interface PositionedEvent {
  position: number;
  stream: string;
  version: number;
  type: string;
  data: unknown;
  metadata: { occurredAt: number };
}

/**
 * The control plane as it stood at a position of the global log. A reader of the log (dispatch, the read model)
 * applies each change of its MQTT instance's stream when it reaches it, so a presence event is routed by the
 * rules of its own moment (SPEC §3) and a replay makes the same decisions.
 */
export class ControlPlaneAtPosition {
  private state: ControlPlaneState = initialControlPlaneState();
  private appliedPosition = 0;

  constructor(private readonly stream: string) {}

  get current(): ControlPlaneState {
    return this.state;
  }

  get position(): number {
    return this.appliedPosition;
  }

  /** Applies an event of the control plane stream once, in log order; anything else is ignored. */
  apply(event: PositionedEvent): void {
    if (event.position <= this.appliedPosition || event.stream !== this.stream) return;
    if (!isControlPlaneEvent(event)) return;
    this.state = evolveControlPlane(this.state, event, {
      streamVersion: event.version,
      occurredAt: event.metadata.occurredAt,
    });
    this.appliedPosition = event.position;
  }

  /** An independent copy (states are immutable, so this is cheap): apply to it, keep it if the work succeeds. */
  copy(): ControlPlaneAtPosition {
    const copy = new ControlPlaneAtPosition(this.stream);
    copy.state = this.state;
    copy.appliedPosition = this.appliedPosition;
    return copy;
  }

  /** Folds the stream's events up to `position` (inclusive): the state a reader restarting there had. */
  static upTo(stream: string, events: PositionedEvent[], position: number): ControlPlaneAtPosition {
    const rules = new ControlPlaneAtPosition(stream);
    for (const event of events) if (event.position <= position) rules.apply(event);
    return rules;
  }
}

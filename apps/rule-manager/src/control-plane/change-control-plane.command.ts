import { Command } from '@nestjs/cqrs';
import type { ControlPlaneCommand, ControlPlaneEvent, ControlPlaneState } from '#libs/rules';

/** Who asked, and the request's correlation ID: they go into the metadata of every event written. */
export interface RequestContext {
  actor: string;
  correlationId: string;
}

export interface ControlPlaneChange {
  events: ControlPlaneEvent[];
  /** The state after the change, folded with the events as stored (versions, times). */
  state: ControlPlaneState;
}

export class ChangeControlPlane extends Command<ControlPlaneChange> {
  constructor(
    readonly command: ControlPlaneCommand,
    readonly context: RequestContext,
  ) {
    super();
  }
}

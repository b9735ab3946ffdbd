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
  /** Things the caller should know although the change was made (a target topic that could not be checked). */
  warnings: string[];
}

export class ChangeControlPlane extends Command<ControlPlaneChange> {
  constructor(
    readonly command: ControlPlaneCommand,
    readonly context: RequestContext,
  ) {
    super();
  }
}

/**
 * The rule versions a change accepts: one of them must be current, or nothing changes (RULE_VERSION_MISMATCH).
 * Undefined: whatever version is current.
 */
export type ExpectedVersions = number[] | undefined;

export const expecting = (versions: ExpectedVersions) =>
  versions !== undefined ? { expectedVersions: versions } : {};

import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Documents } from '#libs/event-store';
import { EVENT_STORE } from '#libs/platform';
import type { ControlPlaneState } from '#libs/rules';
import { controlPlaneOf } from './control-plane.queries.js';

/** The control plane as the API shows it, read from the read model (not folded per request). */
export class ReadControlPlane extends Query<ControlPlaneState> {}

@QueryHandler(ReadControlPlane)
export class ReadControlPlaneHandler implements IQueryHandler<ReadControlPlane> {
  constructor(@Inject(EVENT_STORE) private readonly readModels: Documents) {}

  execute(): Promise<ControlPlaneState> {
    return controlPlaneOf(this.readModels);
  }
}

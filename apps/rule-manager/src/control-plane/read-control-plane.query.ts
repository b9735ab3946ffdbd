import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { ControlPlaneState } from '#libs/rules';
import { ControlPlaneRepository } from './control-plane.repository.js';

/** The current control plane, folded from its stream. */
export class ReadControlPlane extends Query<ControlPlaneState> {}

@QueryHandler(ReadControlPlane)
export class ReadControlPlaneHandler implements IQueryHandler<ReadControlPlane> {
  constructor(private readonly repository: ControlPlaneRepository) {}

  execute(): Promise<ControlPlaneState> {
    return this.repository.load();
  }
}

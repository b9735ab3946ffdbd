import { Inject } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { EventStore } from '#libs/event-store';
import { EVENT_STORE } from '#libs/platform';
import type { ControlPlaneState } from '#libs/rules';
import { COLLECTIONS, stateFromDocuments } from './control-plane.documents.js';

/** The control plane as the API shows it, read from the read model (not folded per request). */
export class ReadControlPlane extends Query<ControlPlaneState> {}

@QueryHandler(ReadControlPlane)
export class ReadControlPlaneHandler implements IQueryHandler<ReadControlPlane> {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async execute(): Promise<ControlPlaneState> {
    const [rules, groups, rocketmqInstances, accessKeys, topicPermissions, meta] = await Promise.all([
      this.store.readDocuments(COLLECTIONS.rules),
      this.store.readDocuments(COLLECTIONS.groups),
      this.store.readDocuments(COLLECTIONS.rocketmqInstances),
      this.store.readDocuments(COLLECTIONS.accessKeys),
      this.store.readDocuments(COLLECTIONS.topicPermissions),
      this.store.readDocuments(COLLECTIONS.meta),
    ]);
    return stateFromDocuments({ rules, groups, rocketmqInstances, accessKeys, topicPermissions, meta });
  }
}

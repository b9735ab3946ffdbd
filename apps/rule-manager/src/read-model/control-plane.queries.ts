import type { Documents } from '#libs/event-store';
import type { ControlPlaneState } from '#libs/rules';
import { COLLECTIONS, stateFromDocuments } from './control-plane.documents.js';

/** The control plane as the API shows it, put together from the read model (not folded per request). */
export async function controlPlaneOf(documents: Documents): Promise<ControlPlaneState> {
  const [rules, groups, rocketmqInstances, accessKeys, topicPermissions, meta] = await Promise.all([
    documents.readDocuments(COLLECTIONS.rules),
    documents.readDocuments(COLLECTIONS.groups),
    documents.readDocuments(COLLECTIONS.rocketmqInstances),
    documents.readDocuments(COLLECTIONS.accessKeys),
    documents.readDocuments(COLLECTIONS.topicPermissions),
    documents.readDocuments(COLLECTIONS.meta),
  ]);
  return stateFromDocuments({ rules, groups, rocketmqInstances, accessKeys, topicPermissions, meta });
}

import type { JsonObject, ProjectionChanges, StoredDocument } from '#libs/event-store';
import { initialControlPlaneState, type ControlPlaneState } from '#libs/rules';

/** The control plane read model: a document per rule, group, instance, access key, permission list; its version. */
export const CONTROL_PLANE_PROJECTION = 'rule-manager.control-plane';

export const COLLECTIONS = {
  rules: 'control-plane.rules',
  groups: 'control-plane.groups',
  rocketmqInstances: 'control-plane.rocketmq-instances',
  accessKeys: 'control-plane.access-keys',
  topicPermissions: 'control-plane.topic-permissions',
  meta: 'control-plane.meta',
} as const;

type Keyed = 'rules' | 'groups' | 'rocketmqInstances' | 'accessKeys' | 'topicPermissions';
const KEYED: Keyed[] = ['rules', 'groups', 'rocketmqInstances', 'accessKeys', 'topicPermissions'];

/**
 * The documents that differ between two states. evolve returns a new object only for what an event changed,
 * so comparing references finds exactly the changed entries.
 */
export function documentChanges(before: ControlPlaneState, after: ControlPlaneState): ProjectionChanges {
  const changes: Required<ProjectionChanges> = { upserts: [], deletes: [] };
  for (const key of KEYED) {
    const collection = COLLECTIONS[key];
    const [was, is] = [before[key] as Record<string, JsonObject>, after[key] as Record<string, JsonObject>];
    for (const [id, document] of Object.entries(is)) {
      if (was[id] !== document) changes.upserts.push({ collection, id, document });
    }
    for (const id of Object.keys(was)) if (!Object.hasOwn(is, id)) changes.deletes.push({ collection, id });
  }
  if (before.version !== after.version) {
    changes.upserts.push({
      collection: COLLECTIONS.meta,
      id: 'control-plane',
      document: { version: after.version },
    });
  }
  return changes;
}

/** The state the API shows, put back together from the documents. */
export function stateFromDocuments(
  documents: Record<keyof typeof COLLECTIONS, StoredDocument[]>,
): ControlPlaneState {
  const byId = (list: StoredDocument[]) => Object.fromEntries(list.map(({ id, document }) => [id, document]));
  return {
    ...initialControlPlaneState(),
    version: Number(documents.meta[0]?.document['version'] ?? 0),
    rules: byId(documents.rules) as ControlPlaneState['rules'],
    groups: byId(documents.groups) as ControlPlaneState['groups'],
    rocketmqInstances: byId(documents.rocketmqInstances) as ControlPlaneState['rocketmqInstances'],
    accessKeys: byId(documents.accessKeys) as ControlPlaneState['accessKeys'],
    topicPermissions: byId(documents.topicPermissions) as ControlPlaneState['topicPermissions'],
  };
}

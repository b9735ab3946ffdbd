import { existingInstance, type RocketmqInstance } from '#libs/rules';
import type { ResourceKind } from '../control-plane/registered-resource.js';
import { rocketmqInstanceRepresentation } from '../http/representations.js';

export const ROCKETMQ_INSTANCES: ResourceKind<RocketmqInstance> = {
  path: '/api/v1/rocketmq-instances',
  itemsOf: (state) => state.rocketmqInstances,
  idKey: 'instanceId',
  existing: existingInstance,
  representation: rocketmqInstanceRepresentation,
};

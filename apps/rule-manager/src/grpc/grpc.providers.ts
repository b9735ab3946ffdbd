import { ClientStatusGrpcService } from './client-status.grpc-service.js';
import { DeliveryGrpcService } from './delivery.grpc-service.js';
import { GrpcApi } from './grpc-api.js';
import { GroupsGrpcService } from './groups.grpc-service.js';
import { RocketmqInstancesGrpcService } from './rocketmq-instances.grpc-service.js';
import { PresenceGrpcService } from './presence.grpc-service.js';
import { RulesGrpcService } from './rules.grpc-service.js';
import { PresenceWatchers } from '../watch-presence/presence-watchers.js';

export const grpcProviders = [
  RulesGrpcService,
  GroupsGrpcService,
  RocketmqInstancesGrpcService,
  ClientStatusGrpcService,
  DeliveryGrpcService,
  PresenceWatchers,
  PresenceGrpcService,
  GrpcApi,
];

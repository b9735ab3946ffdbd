import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import type { EventStore } from '#libs/event-store';
import { RocketmqProducersProvider } from './rocketmq-instances/rocketmq-producers.provider.js';
import { CredentialsCipher } from '#libs/credentials';
import { APP_CONFIG, EVENT_STORE, type ApiToken, type AppConfig } from '#libs/platform';
import { API_TOKENS, ApiTokenGuard } from './access/api-token.guard.js';
import { ChangeControlPlaneHandler } from './control-plane/change-control-plane.handler.js';
import { ControlPlaneBusController } from './control-plane/control-plane.bus.controller.js';
import { ControlPlaneRepository } from './control-plane/control-plane.repository.js';
import { TOPIC_CHECKER } from './control-plane/target-topic.check.js';
import { ControlPlaneProjector } from './read-model/control-plane.projector.js';
import { ReadControlPlaneHandler } from './read-model/read-control-plane.query.js';
import { ProjectionFollowers } from './read-model/projection-followers.js';
import { ClientStatusHttpController } from './client-status/client-status.http.controller.js';
import { ClientTraceHttpController } from './client-status/client-trace.http.controller.js';
import { DeviceCredentialsHttpController } from './device-credentials/device-credentials.http.controller.js';
import { AccessKeysHttpController } from './access-keys/access-keys.http.controller.js';
import { TopicPermissionsHttpController } from './topic-permissions/topic-permissions.http.controller.js';
import { ChangeRuleStatusHttpController } from './change-rule-status/change-rule-status.http.controller.js';
import { DeleteRuleHttpController } from './delete-rule/delete-rule.http.controller.js';
import { EditRuleHttpController } from './edit-rule/edit-rule.http.controller.js';
import { CreateRuleHttpController } from './create-rule/create-rule.http.controller.js';
import { GetRuleHttpController } from './get-rule/get-rule.http.controller.js';
import { HealthHttpController } from './health/health.http.controller.js';
import { Peers } from './health/peers.js';
import { ProblemDetailsFilter } from './http/problem-details.filter.js';
import { RuleHistoryHttpController } from './rule-history/rule-history.http.controller.js';
import { RocketmqInstanceHistoryHttpController } from './rocketmq-instances/rocketmq-instance-history.http.controller.js';
import { NotificationsHttpController } from './notifications/notifications.http.controller.js';
import { DeliveryCountersHttpController } from './delivery-counters/delivery-counters.http.controller.js';
import { DeliveryCountersMetrics } from './delivery-counters/delivery-counters.metrics.js';
import { DeadLettersHttpController } from './dead-letters/dead-letters.http.controller.js';
import { ReplayHttpController } from './replay/replay.http.controller.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { ListRulesHttpController } from './list-rules/list-rules.http.controller.js';
import { GroupsHttpController } from './groups/groups.http.controller.js';
import { RocketmqInstancesHttpController } from './rocketmq-instances/rocketmq-instances.http.controller.js';
import { OverviewHttpController } from './overview/overview.http.controller.js';
import { ReadOverview } from './overview/read-overview.js';
import { SessionHttpController } from './session/session.http.controller.js';
import { StatusBusController } from './status.bus.controller.js';
import { retentionProviders } from './retention/retention.provider.js';
import { grpcProviders } from './grpc/grpc.providers.js';

@Module({})
export class RuleManagerModule {
  /** The composition root: the store is opened by main (or a test) and handed in. */
  static create(config: AppConfig, store: EventStore, apiTokens: ApiToken[]): DynamicModule {
    return {
      module: RuleManagerModule,
      imports: [CqrsModule.forRoot(), MetricsModule],
      controllers: [
        GroupsHttpController,
        RocketmqInstancesHttpController,
        CreateRuleHttpController,
        EditRuleHttpController,
        ChangeRuleStatusHttpController,
        DeleteRuleHttpController,
        RuleHistoryHttpController,
        RocketmqInstanceHistoryHttpController,
        NotificationsHttpController,
        DeliveryCountersHttpController,
        DeadLettersHttpController,
        ReplayHttpController,
        ListRulesHttpController,
        GetRuleHttpController,
        HealthHttpController,
        ClientStatusHttpController,
        DeviceCredentialsHttpController,
        TopicPermissionsHttpController,
        AccessKeysHttpController,
        ClientTraceHttpController,
        SessionHttpController,
        OverviewHttpController,
        StatusBusController,
        ControlPlaneBusController,
      ],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: EVENT_STORE, useValue: store },
        { provide: CredentialsCipher, useValue: CredentialsCipher.fromConfig(config) },
        { provide: API_TOKENS, useValue: apiTokens },
        { provide: APP_GUARD, useClass: ApiTokenGuard },
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        ControlPlaneRepository,
        RocketmqProducersProvider,
        { provide: TOPIC_CHECKER, useExisting: RocketmqProducersProvider },
        ChangeControlPlaneHandler,
        ReadControlPlaneHandler,
        ControlPlaneProjector,
        ProjectionFollowers,
        DeliveryCountersMetrics,
        Peers,
        ...retentionProviders,
        ReadOverview,
        ...grpcProviders,
      ],
    };
  }
}

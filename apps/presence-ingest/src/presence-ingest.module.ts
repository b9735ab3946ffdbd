import { Module, type DynamicModule } from '@nestjs/common';
import type { EventStore } from '#libs/event-store';
import { CredentialsCipher } from '#libs/credentials';
import { APP_CONFIG, AppMetrics, EVENT_STORE, type AppConfig } from '#libs/platform';
import { DeviceAccess } from './broker/device-access.js';
import { MqttBroker } from './broker/mqtt-broker.js';
import { ClientStatusProjection } from '#libs/client-status';
import { RestartReconciliation } from './client-status/restart-reconciliation.js';
import { PresenceRecorder } from './recording/presence-recorder.js';
import { PresenceMetrics } from './metrics/presence-metrics.js';
import { ControlPlaneView } from './control-plane/control-plane.view.js';
import { PresenceBusController } from './presence.bus.controller.js';
import { RemoteTakeovers } from './nodes/remote-takeovers.js';

@Module({})
export class PresenceIngestModule {
  static create(config: AppConfig, store: EventStore): DynamicModule {
    return {
      module: PresenceIngestModule,
      controllers: [PresenceBusController],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: EVENT_STORE, useValue: store },
        { provide: CredentialsCipher, useValue: CredentialsCipher.fromConfig(config) },
        { provide: AppMetrics, useFactory: () => new AppMetrics() },
        PresenceMetrics,
        ControlPlaneView,
        PresenceRecorder,
        DeviceAccess,
        MqttBroker,
        { provide: ClientStatusProjection, useFactory: () => new ClientStatusProjection(store) },
        RestartReconciliation,
        RemoteTakeovers,
      ],
    };
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { newEventId, type Documents, type EventLog, type Retention } from '#libs/event-store';
import { APP_CONFIG, EVENT_STORE, type AppConfig } from '#libs/platform';
import { listDeadLetters } from '../dead-letters/list-dead-letters.js';
import { redriveDeadLetter } from '../dead-letters/redrive-dead-letter.js';
import { readDeliveryCounters } from '../delivery-counters/read-delivery-counters.js';
import { listNotifications } from '../notifications/list-notifications.js';
import { ReadControlPlane } from '../read-model/read-control-plane.query.js';
import { replayRule } from '../replay/replay-rule.js';
import { read, write, type Methods } from './grpc-call.js';

/** mqtt_status_relay.v1.DeliveryService: counters, the delivery log, replay, dead letters and redrive, as REST. */
@Injectable()
export class DeliveryGrpcService {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventLog & Retention & Documents,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly queryBus: QueryBus,
  ) {}

  readonly methods: Methods = {
    GetDeliveryCounters: read(({ ruleId }) => readDeliveryCounters(this.store, this.queryBus, ruleId)),
    ListNotifications: read((query) => listNotifications(this.store, query)),
    ReplayNotifications: write(async ({ ruleId, ...body }, context) => {
      const controlPlane = await this.queryBus.execute(new ReadControlPlane());
      return replayRule(this.store, this.config.instanceId, controlPlane, ruleId, body, context);
    }),
    ListDeadLetters: read((query) => listDeadLetters(this.store, query)),
    RedriveDeadLetter: write(async ({ deadLetterId }, context) => {
      const command = { type: 'RequestRedrive', data: { redriveId: newEventId(), deadLetterId } } as const;
      const { redriveId, notificationId } = await redriveDeadLetter(this.store, command, context);
      return { redriveId, deadLetterId, notificationId };
    }),
  };
}

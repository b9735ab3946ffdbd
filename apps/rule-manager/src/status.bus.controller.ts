import { Controller, Inject } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import type { EventStore } from '#libs/event-store';
import { appIdentity, BUS_PATTERNS, EVENT_STORE } from '#libs/platform';

@Controller()
export class StatusBusController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @MessagePattern(BUS_PATTERNS.status('rule-manager'))
  async status() {
    return {
      status: 'ok',
      ...appIdentity(),
      store: this.store.description,
      headPosition: await this.store.headPosition(),
    };
  }
}

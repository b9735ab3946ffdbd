import { Controller, Inject } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import type { EventStore } from '#libs/event-store';
import { BUS_PATTERNS, EVENT_STORE } from '#libs/platform';

@Controller()
export class StatusBusController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  /** How far forwarding is behind the log: positions not yet handled. */
  @MessagePattern(BUS_PATTERNS.status('rocketmq-dispatch'))
  async status() {
    const [head, checkpoint] = await Promise.all([
      this.store.headPosition(),
      this.store.loadCheckpoint('rocketmq-dispatch'),
    ]);
    return { status: 'ok', headPosition: head, checkpoint, behind: head - checkpoint };
  }
}

import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import type { EventStore } from '#libs/event-store';
import { EVENT_STORE } from '#libs/platform';
import { Public } from '../access/api-token.guard.js';
import { Peers } from './peers.js';
import { ApiOperation, ApiTags } from '@nestjs/swagger';

@ApiTags('health')
@Controller('health')
export class HealthHttpController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly peers: Peers,
  ) {}

  /** 200 while rule-manager can read its store; the other apps' answers over the bus are shown, not required. */
  @Get()
  @ApiOperation({
    summary: 'Liveness: 200 while the event store answers; the other apps’ status over the bus',
  })
  @Public()
  async health() {
    let headPosition: number;
    try {
      headPosition = await this.store.headPosition();
    } catch (error) {
      throw new ServiceUnavailableException(
        `event store ${this.store.description} unreachable: ${String(error)}`,
      );
    }
    return {
      status: 'ok',
      app: 'rule-manager',
      store: { adapter: this.store.description, headPosition },
      peers: await this.peers.ask(),
    };
  }
}

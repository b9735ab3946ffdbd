import { Controller } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { BUS_PATTERNS } from '#libs/platform';
import { MqttBroker } from './broker/mqtt-broker.js';
import { PresenceRecorder } from './recording/presence-recorder.js';

@Controller()
export class StatusBusController {
  constructor(
    private readonly broker: MqttBroker,
    private readonly recorder: PresenceRecorder,
  ) {}

  @MessagePattern(BUS_PATTERNS.status('presence-ingest'))
  status() {
    return {
      status: 'ok',
      connectedClients: this.broker.connectedClients,
      eventsNotYetStored: this.recorder.pending,
    };
  }
}

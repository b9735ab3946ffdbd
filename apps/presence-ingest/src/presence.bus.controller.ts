import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { appIdentity, BUS_PATTERNS, CLOSE_CONNECTION_MESSAGE } from '#libs/platform';
import { MqttBroker } from './broker/mqtt-broker.js';
import { PresenceRecorder } from './recording/presence-recorder.js';

@Controller()
export class PresenceBusController {
  constructor(
    private readonly broker: MqttBroker,
    private readonly recorder: PresenceRecorder,
  ) {}

  @MessagePattern(BUS_PATTERNS.closeConnection)
  async closeConnection(@Payload() message: unknown) {
    const { clientId } = CLOSE_CONNECTION_MESSAGE.parse(message);
    return { clientId, closed: await this.broker.closeConnection(clientId) };
  }

  @MessagePattern(BUS_PATTERNS.status('presence-ingest'))
  status() {
    return {
      status: 'ok',
      ...appIdentity(),
      connectedClients: this.broker.connectedClients,
      eventsNotYetStored: this.recorder.pending,
    };
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { CredentialsCipher } from '#libs/credentials';
import type { RocketmqInstance } from '#libs/rules';
import { RegisteredResource } from '../control-plane/registered-resource.js';
import { sealCredentials } from '../control-plane/seal-credentials.js';
import { ROCKETMQ_INSTANCES } from '../rocketmq-instances/rocketmq-instances.resource.js';
import { read, write, type Methods } from './grpc-call.js';

/** mqtt_status_relay.v1.RocketmqInstanceService: the same use cases as REST /api/v1/rocketmq-instances. */
@Injectable()
export class RocketmqInstancesGrpcService {
  private readonly instances: RegisteredResource<RocketmqInstance>;

  constructor(
    commandBus: CommandBus,
    queryBus: QueryBus,
    @Inject(CredentialsCipher) private readonly cipher: CredentialsCipher,
  ) {
    this.instances = new RegisteredResource(ROCKETMQ_INSTANCES, commandBus, queryBus);
  }

  readonly methods: Methods = {
    RegisterRocketmqInstance: write(async (input, context) => {
      const data = { input, ...sealCredentials(this.cipher, input) };
      const { item } = await this.instances.register({ type: 'RegisterRocketmqInstance', data }, context);
      return item;
    }),
    ListRocketmqInstances: read(() => this.instances.list()),
    GetRocketmqInstance: read(({ instanceId }) => this.instances.get(instanceId)),
    UpdateRocketmqInstance: write((input, context) => {
      const { instanceId } = input;
      const data = { instanceId, input, ...sealCredentials(this.cipher, input) };
      return this.instances.update({ type: 'UpdateRocketmqInstance', data }, instanceId, context);
    }),
    DeleteRocketmqInstance: write(async ({ instanceId }, context) => {
      await this.instances.delete({ type: 'DeleteRocketmqInstance', data: { instanceId } }, context);
      return {};
    }),
  };
}

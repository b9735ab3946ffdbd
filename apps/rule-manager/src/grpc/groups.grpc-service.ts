import { Injectable } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { Group } from '#libs/rules';
import { RegisteredResource } from '../control-plane/registered-resource.js';
import { GROUPS } from '../groups/groups.resource.js';
import { read, write, type Methods } from './grpc-call.js';

/** mqtt_status_relay.v1.GroupService: the same use cases as REST /api/v1/groups. */
@Injectable()
export class GroupsGrpcService {
  private readonly groups: RegisteredResource<Group>;

  constructor(commandBus: CommandBus, queryBus: QueryBus) {
    this.groups = new RegisteredResource(GROUPS, commandBus, queryBus);
  }

  readonly methods: Methods = {
    RegisterGroup: write(async (input, context) => {
      const { item } = await this.groups.register({ type: 'RegisterGroup', data: { input } }, context);
      return item;
    }),
    ListGroups: read(() => this.groups.list()),
    GetGroup: read(({ groupId }) => this.groups.get(groupId)),
    UpdateGroup: write((input, context) =>
      this.groups.update(
        { type: 'UpdateGroup', data: { groupId: input.groupId, input } },
        input.groupId,
        context,
      ),
    ),
    DeleteGroup: write(async ({ groupId }, context) => {
      await this.groups.delete({ type: 'DeleteGroup', data: { groupId } }, context);
      return {};
    }),
  };
}

import { Body, Controller, Delete, Get, HttpCode, Param, Put, Req } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBody, ApiResponse } from '@nestjs/swagger';
import type { Request } from 'express';
import {
  existingTopicPermissions,
  TOPIC_PERMISSIONS_INPUT,
  type ControlPlaneState,
  type CredentialScope,
  type TopicPermissionsData,
} from '#libs/rules';
import { ChangeControlPlane } from '../control-plane/change-control-plane.command.js';
import { ApiCall, ApiResource } from '../http/api-docs.js';
import { bodySchema } from '../http/api-schemas.js';
import { requestContext } from '../http/request-context.js';
import { ReadControlPlane } from '../read-model/read-control-plane.query.js';

const BODY = bodySchema(TOPIC_PERMISSIONS_INPUT, {
  publish: ['fleet/${deviceid}/#'],
  subscribe: ['fleet/${deviceid}/commands', 'fleet/broadcast'],
});
const permissionsSchema = (scope: CredentialScope, id: string) => ({
  type: 'object',
  properties: {
    scope: { type: 'string', enum: ['group', 'device'] },
    id: { type: 'string' },
    ...BODY.properties,
  },
  example: { scope, id, ...BODY.example },
});
const GROUP_PERMISSIONS = permissionsSchema('group', 'GID_fleet');
const DEVICE_PERMISSIONS = permissionsSchema('device', 'GID_fleet@@@van-1');

const representation = ({ scope, id, publish, subscribe }: TopicPermissionsData) => ({
  scope,
  id,
  publish,
  subscribe,
});

/**
 * Which topics the devices of a group, or one device (whose own lists win), may publish and subscribe to. Without
 * any, the broker's default applies (EMQX's: all but `#` and `$SYS` subscriptions from non-loopback clients).
 */
@ApiResource('topic permissions')
@Controller('api/v1')
export class TopicPermissionsHttpController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly queryBus: QueryBus,
  ) {}

  @Put('groups/:groupId/topic-permissions')
  @ApiCall('Set the publish and subscribe allow-lists of every device of a group', 400, 403, 404)
  @ApiBody({ schema: BODY })
  @ApiResponse({ status: 200, schema: GROUP_PERMISSIONS })
  setForGroup(@Param('groupId') groupId: string, @Body() body: unknown, @Req() request: Request) {
    return this.set('group', groupId, body, request);
  }

  @Put('clients/:clientId/topic-permissions')
  @ApiCall('Set the allow-lists of one device (they replace its group’s for it)', 400, 403, 404)
  @ApiBody({ schema: BODY })
  @ApiResponse({ status: 200, schema: DEVICE_PERMISSIONS })
  setForDevice(@Param('clientId') clientId: string, @Body() body: unknown, @Req() request: Request) {
    return this.set('device', clientId, body, request);
  }

  @Get('groups/:groupId/topic-permissions')
  @ApiCall('Get a group’s allow-lists', 404)
  @ApiResponse({ status: 200, schema: GROUP_PERMISSIONS })
  async getForGroup(@Param('groupId') groupId: string) {
    return this.get('group', groupId, await this.queryBus.execute(new ReadControlPlane()));
  }

  @Get('clients/:clientId/topic-permissions')
  @ApiCall('Get a device’s own allow-lists', 400, 404)
  @ApiResponse({ status: 200, schema: DEVICE_PERMISSIONS })
  async getForDevice(@Param('clientId') clientId: string) {
    return this.get('device', clientId, await this.queryBus.execute(new ReadControlPlane()));
  }

  @Delete('groups/:groupId/topic-permissions')
  @HttpCode(204)
  @ApiCall('Remove a group’s allow-lists (the default applies again)', 403, 404)
  async removeForGroup(@Param('groupId') groupId: string, @Req() request: Request) {
    await this.remove('group', groupId, request);
  }

  @Delete('clients/:clientId/topic-permissions')
  @HttpCode(204)
  @ApiCall('Remove a device’s own allow-lists (its group’s apply again)', 403, 404)
  async removeForDevice(@Param('clientId') clientId: string, @Req() request: Request) {
    await this.remove('device', clientId, request);
  }

  private get(scope: CredentialScope, id: string, state: ControlPlaneState) {
    return representation(existingTopicPermissions(state, scope, id));
  }

  private async set(scope: CredentialScope, id: string, body: unknown, request: Request) {
    const { state } = await this.commandBus.execute(
      new ChangeControlPlane(
        { type: 'SetTopicPermissions', data: { scope, id, input: body } },
        requestContext(request),
      ),
    );
    return this.get(scope, id, state);
  }

  private async remove(scope: CredentialScope, id: string, request: Request) {
    await this.commandBus.execute(
      new ChangeControlPlane(
        { type: 'RemoveTopicPermissions', data: { scope, id } },
        requestContext(request),
      ),
    );
  }
}

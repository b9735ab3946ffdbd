import { Body, Controller, Delete, HttpCode, Param, Put, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBody, ApiResponse } from '@nestjs/swagger';
import type { Request } from 'express';
import { hashPassword } from '#libs/platform';
import { DEVICE_CREDENTIALS_INPUT, type CredentialScope, type DeviceCredentialsSet } from '#libs/rules';
import { ChangeControlPlane } from '../control-plane/change-control-plane.command.js';
import { ApiCall, ApiResource } from '../http/api-docs.js';
import { bodySchema } from '../http/api-schemas.js';
import { requestContext } from '../http/request-context.js';

const CREDENTIALS_BODY = bodySchema(DEVICE_CREDENTIALS_INPUT, {
  username: 'fleet',
  password: 'a-long-device-password',
});

/**
 * MQTT username/password for a whole group or for one device (which wins). Passwords are hashed here, at the
 * edge (scrypt, salted, OWASP's parameters); only the hash reaches an event, and nothing ever returns it.
 */
@ApiResource('device credentials')
@Controller('api/v1')
export class DeviceCredentialsHttpController {
  constructor(private readonly commandBus: CommandBus) {}

  @Put('groups/:groupId/credentials')
  @ApiCall('Set the username/password of every device of a group', 400, 403, 404)
  @ApiBody({ schema: CREDENTIALS_BODY })
  @ApiResponse({
    status: 200,
    schema: { type: 'object', example: { scope: 'group', id: 'GID_fleet', username: 'fleet' } },
  })
  setForGroup(@Param('groupId') groupId: string, @Body() body: unknown, @Req() request: Request) {
    return this.set('group', groupId, body, request);
  }

  @Put('clients/:clientId/credentials')
  @ApiCall('Set the username/password of one device (wins over its group’s)', 400, 403, 404)
  @ApiBody({ schema: CREDENTIALS_BODY })
  @ApiResponse({
    status: 200,
    schema: { type: 'object', example: { scope: 'device', id: 'GID_fleet@@@van-1', username: 'van-1' } },
  })
  setForDevice(@Param('clientId') clientId: string, @Body() body: unknown, @Req() request: Request) {
    return this.set('device', clientId, body, request);
  }

  @Delete('groups/:groupId/credentials')
  @HttpCode(204)
  @ApiCall('Remove a group’s credentials', 403, 404)
  async removeForGroup(@Param('groupId') groupId: string, @Req() request: Request) {
    await this.remove('group', groupId, request);
  }

  @Delete('clients/:clientId/credentials')
  @HttpCode(204)
  @ApiCall('Remove a device’s own credentials (its group’s apply again)', 403, 404)
  async removeForDevice(@Param('clientId') clientId: string, @Req() request: Request) {
    await this.remove('device', clientId, request);
  }

  private async set(scope: CredentialScope, id: string, body: unknown, request: Request) {
    const password = (body as { password?: unknown } | undefined)?.password;
    const passwordHash = typeof password === 'string' ? await hashPassword(password) : '';
    const { events } = await this.commandBus.execute(
      new ChangeControlPlane(
        { type: 'SetDeviceCredentials', data: { scope, id, input: body, passwordHash } },
        requestContext(request),
      ),
    );
    return { scope, id, username: (events[0] as DeviceCredentialsSet).data.username };
  }

  private async remove(scope: CredentialScope, id: string, request: Request) {
    await this.commandBus.execute(
      new ChangeControlPlane(
        { type: 'RemoveDeviceCredentials', data: { scope, id } },
        requestContext(request),
      ),
    );
  }
}

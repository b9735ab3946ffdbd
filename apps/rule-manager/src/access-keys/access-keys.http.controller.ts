import { randomBytes } from 'node:crypto';
import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiBody, ApiResponse } from '@nestjs/swagger';
import type { Request } from 'express';
import { CredentialsCipher } from '#libs/credentials';
import { ACCESS_KEY_INPUT, type AccessKey } from '#libs/rules';
import { ChangeControlPlane } from '../control-plane/change-control-plane.command.js';
import { ApiCall, ApiResource } from '../http/api-docs.js';
import { bodySchema } from '../http/api-schemas.js';
import { requestContext } from '../http/request-context.js';
import { ReadControlPlane } from '../read-model/read-control-plane.query.js';

const representation = (key: AccessKey) => ({
  accessKeyId: key.accessKeyId,
  ...(key.description !== undefined && { description: key.description }),
  createdAt: new Date(key.createdAt).toISOString(),
});

/**
 * Access keys for the original product's signature mode: a device connects with username
 * `Signature|<AccessKeyId>|<InstanceId>` and password Base64(HMAC-SHA1(clientId, AccessKeySecret)). The secret is
 * shown once, when the key is created, and kept encrypted.
 */
@ApiResource('access keys')
@Controller('api/v1/access-keys')
export class AccessKeysHttpController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly queryBus: QueryBus,
    @Inject(CredentialsCipher) private readonly cipher: CredentialsCipher,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiCall('Create an access key; its secret is in this answer only', 400, 403)
  @ApiBody({ schema: bodySchema(ACCESS_KEY_INPUT, { description: 'the billing service' }), required: false })
  @ApiResponse({
    status: 201,
    schema: { type: 'object', example: { accessKeyId: 'AKexample', accessKeySecret: 'shown-once' } },
  })
  async create(@Body() body: unknown, @Req() request: Request) {
    const accessKeyId = `AK${randomBytes(12).toString('hex')}`;
    const secret = randomBytes(24).toString('base64url');
    const { state } = await this.commandBus.execute(
      new ChangeControlPlane(
        {
          type: 'CreateAccessKey',
          data: { accessKeyId, secretCiphertext: this.cipher.encrypt(secret), input: body },
        },
        requestContext(request),
      ),
    );
    return { ...representation(state.accessKeys[accessKeyId]!), accessKeySecret: secret };
  }

  @Get()
  @ApiCall('List access keys (never their secrets)')
  async list() {
    const state = await this.queryBus.execute(new ReadControlPlane());
    const items = Object.values(state.accessKeys).map(representation);
    return { items, total: items.length };
  }

  @Delete(':accessKeyId')
  @HttpCode(204)
  @ApiCall('Delete an access key: devices signing with it are refused from then on', 403, 404)
  async delete(@Param('accessKeyId') accessKeyId: string, @Req() request: Request) {
    await this.commandBus.execute(
      new ChangeControlPlane({ type: 'DeleteAccessKey', data: { accessKeyId } }, requestContext(request)),
    );
  }
}

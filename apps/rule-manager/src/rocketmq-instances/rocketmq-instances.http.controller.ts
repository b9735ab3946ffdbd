import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Put, Req, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { Request, Response } from 'express';
import { CredentialsCipher } from '#libs/credentials';
import type { ControlPlaneCommand, RocketmqInstance } from '#libs/rules';
import { RegisteredResource } from '../control-plane/registered-resource.js';
import { sealCredentials } from '../control-plane/seal-credentials.js';
import { requestContext } from '../http/request-context.js';
import { ROCKETMQ_INSTANCES } from './rocketmq-instances.resource.js';
import { ApiBody, ApiResponse } from '@nestjs/swagger';
import { ApiCall, ApiResource } from '../http/api-docs.js';
import { listOf, ROCKETMQ_INSTANCE_BODY } from '../http/api-schemas.js';

/** The RocketMQ destinations rules may send to. The secret key is write-only. */
@ApiResource('rocketmq-instances')
@Controller('api/v1/rocketmq-instances')
export class RocketmqInstancesHttpController {
  private readonly instances: RegisteredResource<RocketmqInstance>;

  constructor(
    commandBus: CommandBus,
    queryBus: QueryBus,
    @Inject(CredentialsCipher) private readonly cipher: CredentialsCipher,
  ) {
    this.instances = new RegisteredResource(ROCKETMQ_INSTANCES, commandBus, queryBus);
  }

  @Post()
  @ApiCall(
    'Register a RocketMQ instance (a gRPC proxy or name servers); the secret key is write-only',
    400,
    403,
    409,
  )
  @ApiBody({ schema: ROCKETMQ_INSTANCE_BODY })
  @ApiResponse({ status: 201, schema: ROCKETMQ_INSTANCE_BODY })
  @HttpCode(201)
  async register(
    @Body() body: unknown,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const command: ControlPlaneCommand = {
      type: 'RegisterRocketmqInstance',
      data: { input: body, ...sealCredentials(this.cipher, body) },
    };
    const { location, item } = await this.instances.register(command, requestContext(request));
    response.location(location);
    return item;
  }

  @Get()
  @ApiCall('List RocketMQ instances (never their secret keys)')
  @ApiResponse({ status: 200, schema: listOf(ROCKETMQ_INSTANCE_BODY) })
  async list() {
    return this.instances.list();
  }

  @Get(':instanceId')
  @ApiCall('Get a RocketMQ instance', 404)
  @ApiResponse({ status: 200, schema: ROCKETMQ_INSTANCE_BODY })
  async get(@Param('instanceId') instanceId: string) {
    return this.instances.get(instanceId);
  }

  /**
   * Endpoints or nameServer (switching kind is an edit like any other), namespace, region, TLS; `accessKey` +
   * `secretKey` replace the credentials, absent keeps them.
   */
  @Put(':instanceId')
  @ApiCall('Change endpoints or nameServer, namespace, region, TLS or credentials', 400, 403, 404, 422)
  @ApiBody({ schema: ROCKETMQ_INSTANCE_BODY })
  @ApiResponse({ status: 200, schema: ROCKETMQ_INSTANCE_BODY })
  async update(@Param('instanceId') instanceId: string, @Body() body: unknown, @Req() request: Request) {
    const command: ControlPlaneCommand = {
      type: 'UpdateRocketmqInstance',
      data: { instanceId, input: body, ...sealCredentials(this.cipher, body) },
    };
    return this.instances.update(command, instanceId, requestContext(request));
  }

  /** 409 while rules send to it, naming them. */
  @Delete(':instanceId')
  @ApiCall('Delete a RocketMQ instance; refused while rules send to it', 403, 404, 409)
  @ApiResponse({ status: 204, description: 'deleted' })
  @HttpCode(204)
  async delete(@Param('instanceId') instanceId: string, @Req() request: Request) {
    const command = { type: 'DeleteRocketmqInstance', data: { instanceId } } as const;
    await this.instances.delete(command, requestContext(request));
  }
}

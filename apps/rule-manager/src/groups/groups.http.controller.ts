import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Req, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { Request, Response } from 'express';
import type { Group } from '#libs/rules';
import { RegisteredResource } from '../control-plane/registered-resource.js';
import { requestContext } from '../http/request-context.js';
import { GROUPS } from './groups.resource.js';
import { ApiBody, ApiResponse } from '@nestjs/swagger';
import { ApiCall, ApiResource } from '../http/api-docs.js';
import { GROUP_BODY, listOf } from '../http/api-schemas.js';

/** Registered Group IDs of this MQTT instance: only their clients may connect. */
@ApiResource('groups')
@Controller('api/v1/groups')
export class GroupsHttpController {
  private readonly groups: RegisteredResource<Group>;

  constructor(commandBus: CommandBus, queryBus: QueryBus) {
    this.groups = new RegisteredResource(GROUPS, commandBus, queryBus);
  }

  @Post()
  @ApiCall('Register a Group ID: its clients may then connect', 400, 403, 409)
  @ApiBody({ schema: GROUP_BODY })
  @ApiResponse({ status: 201, schema: GROUP_BODY })
  @HttpCode(201)
  async register(
    @Body() body: unknown,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const command = { type: 'RegisterGroup', data: { input: body } } as const;
    const { location, item } = await this.groups.register(command, requestContext(request));
    response.location(location);
    return item;
  }

  @Get()
  @ApiCall('List groups')
  @ApiResponse({ status: 200, schema: listOf(GROUP_BODY) })
  async list() {
    return this.groups.list();
  }

  @Get(':groupId')
  @ApiCall('Get a group', 404)
  @ApiResponse({ status: 200, schema: GROUP_BODY })
  async get(@Param('groupId') groupId: string) {
    return this.groups.get(groupId);
  }

  @Put(':groupId')
  @ApiCall('Change a group’s description', 400, 403, 404)
  @ApiBody({
    schema: {
      type: 'object',
      properties: { description: { type: 'string' } },
      example: { description: 'vans' },
    },
  })
  @ApiResponse({ status: 200, schema: GROUP_BODY })
  async update(@Param('groupId') groupId: string, @Body() body: unknown, @Req() request: Request) {
    const command = { type: 'UpdateGroup', data: { groupId, input: body } } as const;
    return this.groups.update(command, groupId, requestContext(request));
  }

  /** 409 while a rule uses the group, naming the rule. */
  @Delete(':groupId')
  @ApiCall('Delete a group; refused while a rule uses it', 403, 404, 409)
  @ApiResponse({ status: 204, description: 'deleted' })
  @HttpCode(204)
  async delete(@Param('groupId') groupId: string, @Req() request: Request) {
    await this.groups.delete({ type: 'DeleteGroup', data: { groupId } }, requestContext(request));
  }
}

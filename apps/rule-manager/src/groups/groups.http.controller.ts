import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Req, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { Request, Response } from 'express';
import { existingGroup, type ControlPlaneCommand, type GroupRegistered } from '#libs/rules';
import { ChangeControlPlane } from '../control-plane/change-control-plane.command.js';
import { ReadControlPlane } from '../read-model/read-control-plane.query.js';
import { groupRepresentation } from '../http/representations.js';
import { requestContext } from '../http/request-context.js';
import { ApiBody, ApiResponse } from '@nestjs/swagger';
import { ApiCall, ApiResource } from '../http/api-docs.js';
import { GROUP_BODY, listOf } from '../http/api-schemas.js';

/** Registered Group IDs of this MQTT instance: only their clients may connect. */
@ApiResource('groups')
@Controller('api/v1/groups')
export class GroupsHttpController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly queryBus: QueryBus,
  ) {}

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
    const { events, state } = await this.change({ type: 'RegisterGroup', data: { input: body } }, request);
    const groupId = (events[0] as GroupRegistered).data.groupId;
    response.location(`/api/v1/groups/${encodeURIComponent(groupId)}`);
    return groupRepresentation(state.groups[groupId]!);
  }

  @Get()
  @ApiCall('List groups')
  @ApiResponse({ status: 200, schema: listOf(GROUP_BODY) })
  async list() {
    const state = await this.queryBus.execute(new ReadControlPlane());
    const items = Object.values(state.groups)
      .sort((a, b) => a.groupId.localeCompare(b.groupId))
      .map(groupRepresentation);
    return { items, total: items.length };
  }

  @Get(':groupId')
  @ApiCall('Get a group', 404)
  @ApiResponse({ status: 200, schema: GROUP_BODY })
  async get(@Param('groupId') groupId: string) {
    return groupRepresentation(existingGroup(await this.queryBus.execute(new ReadControlPlane()), groupId));
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
    const { state } = await this.change({ type: 'UpdateGroup', data: { groupId, input: body } }, request);
    return groupRepresentation(existingGroup(state, groupId));
  }

  /** 409 while a rule uses the group, naming the rule. */
  @Delete(':groupId')
  @ApiCall('Delete a group; refused while a rule uses it', 403, 404, 409)
  @ApiResponse({ status: 204, description: 'deleted' })
  @HttpCode(204)
  async delete(@Param('groupId') groupId: string, @Req() request: Request) {
    await this.change({ type: 'DeleteGroup', data: { groupId } }, request);
  }

  private change(command: ControlPlaneCommand, request: Request) {
    return this.commandBus.execute(new ChangeControlPlane(command, requestContext(request)));
  }
}

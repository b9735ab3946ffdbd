import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Req, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import type { Request, Response } from 'express';
import { existingGroup, type ControlPlaneCommand, type GroupRegistered } from '#libs/rules';
import { ChangeControlPlane } from '../control-plane/change-control-plane.command.js';
import { ReadControlPlane } from '../control-plane/read-control-plane.query.js';
import { groupRepresentation } from '../http/representations.js';
import { requestContext } from '../http/request-context.js';

/** Registered Group IDs of this MQTT instance: only their clients may connect. */
@Controller('api/v1/groups')
export class GroupsHttpController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly queryBus: QueryBus,
  ) {}

  @Post()
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
  async list() {
    const state = await this.queryBus.execute(new ReadControlPlane());
    const items = Object.values(state.groups)
      .sort((a, b) => a.groupId.localeCompare(b.groupId))
      .map(groupRepresentation);
    return { items, total: items.length };
  }

  @Get(':groupId')
  async get(@Param('groupId') groupId: string) {
    return groupRepresentation(existingGroup(await this.queryBus.execute(new ReadControlPlane()), groupId));
  }

  @Put(':groupId')
  async update(@Param('groupId') groupId: string, @Body() body: unknown, @Req() request: Request) {
    const { state } = await this.change({ type: 'UpdateGroup', data: { groupId, input: body } }, request);
    return groupRepresentation(existingGroup(state, groupId));
  }

  /** 409 while a rule uses the group, naming the rule. */
  @Delete(':groupId')
  @HttpCode(204)
  async delete(@Param('groupId') groupId: string, @Req() request: Request) {
    await this.change({ type: 'DeleteGroup', data: { groupId } }, request);
  }

  private change(command: ControlPlaneCommand, request: Request) {
    return this.commandBus.execute(new ChangeControlPlane(command, requestContext(request)));
  }
}

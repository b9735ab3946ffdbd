import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Request, Response } from 'express';
import type { GroupRegistered } from '#libs/rules';
import { ChangeControlPlane } from '../control-plane/change-control-plane.command.js';
import { groupRepresentation } from '../http/representations.js';
import { requestContext } from '../http/request-context.js';

@Controller('api/v1/groups')
export class RegisterGroupHttpController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post()
  @HttpCode(201)
  async register(
    @Body() body: unknown,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const { events, state } = await this.commandBus.execute(
      new ChangeControlPlane({ type: 'RegisterGroup', data: { input: body } }, requestContext(request)),
    );
    const groupId = (events[0] as GroupRegistered).data.groupId;
    response.location(`/api/v1/groups/${encodeURIComponent(groupId)}`);
    return groupRepresentation(state.groups[groupId]!);
  }
}

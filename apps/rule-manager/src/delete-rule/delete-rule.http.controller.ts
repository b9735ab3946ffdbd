import { Controller, Delete, Headers, HttpCode, Param, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Request } from 'express';
import { ChangeControlPlane } from '../control-plane/change-control-plane.command.js';
import { expectedVersion } from '../http/if-match.js';
import { requestContext } from '../http/request-context.js';

@Controller('api/v1/rules')
export class DeleteRuleHttpController {
  constructor(private readonly commandBus: CommandBus) {}

  /** The rule stops forwarding at once; its ID may be used again, and its history keeps both lives. */
  @Delete(':ruleId')
  @HttpCode(204)
  async delete(
    @Param('ruleId') ruleId: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Req() request: Request,
  ) {
    const version = expectedVersion(ifMatch);
    const data = { ruleId, ...(version !== undefined && { expectedVersion: version }) };
    await this.commandBus.execute(
      new ChangeControlPlane({ type: 'DeleteRule', data }, requestContext(request)),
    );
  }
}

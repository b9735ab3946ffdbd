import { Controller, Delete, Headers, HttpCode, Param, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Request } from 'express';
import { changeRule } from '../change-rule-status/change-rule.js';
import { acceptedVersions } from '../http/if-match.js';
import { requestContext } from '../http/request-context.js';
import { ApiResponse } from '@nestjs/swagger';
import { ApiCall, ApiIfMatch, ApiResource } from '../http/api-docs.js';

@ApiResource('rules')
@Controller('api/v1/rules')
export class DeleteRuleHttpController {
  constructor(private readonly commandBus: CommandBus) {}

  /** The rule stops forwarding at once; its ID may be used again, and its history keeps both lives. */
  @Delete(':ruleId')
  @ApiCall('Delete a rule; its ID may be used again', 403, 404, 412)
  @ApiIfMatch()
  @ApiResponse({ status: 204, description: 'deleted' })
  @HttpCode(204)
  async delete(
    @Param('ruleId') ruleId: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Req() request: Request,
  ) {
    const context = requestContext(request);
    await changeRule(this.commandBus, 'DeleteRule', ruleId, acceptedVersions(ifMatch), context);
  }
}

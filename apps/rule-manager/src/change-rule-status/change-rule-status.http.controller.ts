import { Controller, Headers, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Request, Response } from 'express';
import { changeRule } from './change-rule.js';
import { acceptedVersions } from '../http/if-match.js';
import { ruleRepresentation } from '../http/representations.js';
import { requestContext } from '../http/request-context.js';
import { ApiResponse } from '@nestjs/swagger';
import { ApiCall, ApiIfMatch, ApiResource } from '../http/api-docs.js';
import { RULE } from '../http/api-schemas.js';

/** A disabled rule forwards nothing; events while it is disabled are not forwarded later (SPEC §3). */
@ApiResource('rules')
@Controller('api/v1/rules')
export class ChangeRuleStatusHttpController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post(':ruleId/enable')
  @ApiCall('Enable a rule', 403, 404, 412)
  @ApiIfMatch()
  @ApiResponse({ status: 200, schema: RULE })
  @HttpCode(200)
  enable(
    @Param('ruleId') ruleId: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.change('EnableRule', ruleId, ifMatch, request, response);
  }

  @Post(':ruleId/disable')
  @ApiCall('Disable a rule: it forwards nothing until enabled again', 403, 404, 412)
  @ApiIfMatch()
  @ApiResponse({ status: 200, schema: RULE })
  @HttpCode(200)
  disable(
    @Param('ruleId') ruleId: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.change('DisableRule', ruleId, ifMatch, request, response);
  }

  private async change(
    type: 'EnableRule' | 'DisableRule',
    ruleId: string,
    ifMatch: string | undefined,
    request: Request,
    response: Response,
  ) {
    const context = requestContext(request);
    const rule = (await changeRule(this.commandBus, type, ruleId, acceptedVersions(ifMatch), context))!;
    response.setHeader('ETag', `"${rule.version}"`);
    return ruleRepresentation(rule);
  }
}

import { Body, Controller, Headers, Param, Put, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Request, Response } from 'express';
import { editRule } from './edit-rule.js';
import { acceptedVersions } from '../http/if-match.js';
import { ruleRepresentation } from '../http/representations.js';
import { requestContext } from '../http/request-context.js';
import { ApiBody, ApiResponse } from '@nestjs/swagger';
import { ApiCall, ApiIfMatch, ApiResource } from '../http/api-docs.js';
import { RULE, RULE_BODY } from '../http/api-schemas.js';

@ApiResource('rules')
@Controller('api/v1/rules')
export class EditRuleHttpController {
  constructor(private readonly commandBus: CommandBus) {}

  /** Everything but the rule ID; a stale `If-Match` gets 412 and changes nothing. */
  @Put(':ruleId')
  @ApiCall('Edit everything but the rule ID; all create checks run again', 400, 403, 404, 409, 412, 422)
  @ApiIfMatch()
  @ApiBody({ schema: RULE_BODY })
  @ApiResponse({ status: 200, schema: RULE })
  async edit(
    @Param('ruleId') ruleId: string,
    @Body() body: unknown,
    @Headers('if-match') ifMatch: string | undefined,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const context = requestContext(request);
    const { rule, warnings } = await editRule(
      this.commandBus,
      ruleId,
      body,
      acceptedVersions(ifMatch),
      context,
    );
    response.setHeader('ETag', `"${rule.version}"`);
    return { ...ruleRepresentation(rule), ...(warnings.length > 0 && { warnings }) };
  }
}

import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Request, Response } from 'express';
import { createRule } from './create-rule.js';
import { ruleRepresentation } from '../http/representations.js';
import { requestContext } from '../http/request-context.js';
import { ApiBody, ApiResponse } from '@nestjs/swagger';
import { ApiCall, ApiResource } from '../http/api-docs.js';
import { RULE, RULE_BODY } from '../http/api-schemas.js';

@ApiResource('rules')
@Controller('api/v1/rules')
export class CreateRuleHttpController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post()
  @ApiCall('Create a client status notification rule (SPEC §3 checks)', 400, 403, 409, 422)
  @ApiBody({ schema: RULE_BODY })
  @ApiResponse({ status: 201, schema: RULE })
  @HttpCode(201)
  async create(
    @Body() body: unknown,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const { rule, warnings } = await createRule(this.commandBus, body, requestContext(request));
    response
      .location(`/api/v1/rules/${encodeURIComponent(rule.ruleId)}`)
      .setHeader('ETag', `"${rule.version}"`);
    return { ...ruleRepresentation(rule), ...(warnings.length > 0 && { warnings }) };
  }
}

import { Controller, Get, Req } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import type { AuthenticatedRequest } from '../access/api-token.guard.js';
import { ApiCall, ApiResource } from '../http/api-docs.js';

/** Who the bearer token is: its name (the actor of the events it causes) and its role (what it may do). */
@ApiResource('session')
@Controller('api/v1/session')
export class SessionHttpController {
  @Get()
  @ApiCall('The calling token’s name and role (admin writes, viewer only reads)')
  @ApiResponse({
    status: 200,
    schema: {
      type: 'object',
      properties: { name: { type: 'string' }, role: { type: 'string', enum: ['admin', 'viewer'] } },
      example: { name: 'ops', role: 'admin' },
    },
  })
  session(@Req() request: AuthenticatedRequest) {
    return { name: request.actor, role: request.role };
  }
}

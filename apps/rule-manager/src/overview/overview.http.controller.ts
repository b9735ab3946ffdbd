import { Controller, Get } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ApiCall, ApiResource } from '../http/api-docs.js';
import { bodySchema } from '../http/api-schemas.js';
import { OVERVIEW, OVERVIEW_EXAMPLE } from './overview.schema.js';
import { ReadOverview } from './read-overview.js';

/** The console's landing page: clients online, presence per minute, delivery, dispatch lag and each app's health. */
@ApiResource('overview')
@Controller('api/v1/overview')
export class OverviewHttpController {
  constructor(private readonly overview: ReadOverview) {}

  @Get()
  @ApiCall(
    'Clients online (in total, per group), connects / closes / refusals per minute, delivery counters, dispatch lag and latency, each app’s health; an app that does not answer is unreachable',
  )
  @ApiResponse({ status: 200, schema: bodySchema(OVERVIEW, OVERVIEW_EXAMPLE) })
  read() {
    return this.overview.read();
  }
}

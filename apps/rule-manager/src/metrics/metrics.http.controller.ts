import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeEndpoint } from '@nestjs/swagger';
import { prometheusContentType } from 'prom-client';
import { AppMetrics } from '#libs/platform';
import { Public } from '../access/api-token.guard.js';

/** Prometheus scrapes rule-manager here. Public like /health: the numbers are read-only and hold no secret. */
@Controller('metrics')
export class MetricsHttpController {
  constructor(private readonly metrics: AppMetrics) {}

  @Get()
  @Public()
  @ApiExcludeEndpoint() // for Prometheus, not an API call
  @Header('content-type', prometheusContentType)
  text(): Promise<string> {
    return this.metrics.text();
  }
}

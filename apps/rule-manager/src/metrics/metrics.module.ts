import { Global, Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { AppMetrics } from '#libs/platform';
import { HttpMetricsMiddleware } from './http-metrics.middleware.js';
import { MetricsHttpController } from './metrics.http.controller.js';

/**
 * rule-manager's metrics on GET /metrics. Global, so any provider can inject AppMetrics and add its own, e.g. a
 * gauge whose `collect` reads a projection at each scrape.
 */
@Global()
@Module({
  controllers: [MetricsHttpController],
  providers: [{ provide: AppMetrics, useFactory: () => new AppMetrics() }],
  exports: [AppMetrics],
})
export class MetricsModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes('{*path}');
  }
}

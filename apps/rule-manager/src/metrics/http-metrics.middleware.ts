import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { AppMetrics } from '#libs/platform';

/**
 * Times every HTTP request by method, route pattern and status. The label is the route as declared
 * (`/api/v1/clients/:clientId/status`), never the URL, so client and rule IDs do not become series; requests no
 * route matched (404s, static files) share `route="none"`.
 */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  private readonly duration;

  constructor(metrics: AppMetrics) {
    this.duration = metrics.histogram({
      name: 'http_request_duration_seconds',
      help: 'rule-manager HTTP requests by method, route pattern and status',
      labelNames: ['method', 'route', 'status'] as const,
    });
  }

  use(request: Request, response: Response, next: NextFunction): void {
    const end = this.duration.startTimer();
    // `request.route` is set once the router has matched, so it is read when the response is done.
    response.once('finish', () => {
      const route = request.route ? `${request.baseUrl}${String(request.route.path)}` : 'none';
      end({ method: request.method, route, status: String(response.statusCode) });
    });
    next();
  }
}

import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { RedeliveryError } from '#libs/notifications';
import { RulesError } from '#libs/rules';
import { PROBLEM_TITLES as TITLES, problemFor } from '../control-plane/rules-problem.js';
import { redeliveryProblem } from '../redelivery/redelivery-problem.js';

/** Every error leaves the HTTP API as an RFC 9457 problem: a stable `code` and, per field, the rule it broke. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const problem = this.toProblem(error, request);
    if (problem.status === 401) response.setHeader('WWW-Authenticate', 'Bearer realm="mqtt-status-relay"');
    response.status(problem.status).type('application/problem+json').json(problem);
  }

  private toProblem(error: unknown, request: Request): Record<string, unknown> & { status: number } {
    const instance = request.originalUrl;
    if (error instanceof RulesError) return { ...problemFor(error), instance };
    if (error instanceof RedeliveryError) return { ...redeliveryProblem(error), instance };
    if (error instanceof HttpException) {
      const status = error.getStatus();
      return {
        type: 'about:blank',
        title: TITLES[status] ?? error.name,
        status,
        detail: error.message,
        instance,
      };
    }
    const correlationId = request.header('x-correlation-id');
    this.logger.error(
      `${request.method} ${instance} failed (correlation ${correlationId ?? 'none'}): ${String(error)}`,
      error instanceof Error ? error.stack : undefined,
    );
    return {
      type: 'about:blank',
      title: TITLES[500],
      status: 500,
      detail: 'internal error, see the server log',
      instance,
    };
  }
}

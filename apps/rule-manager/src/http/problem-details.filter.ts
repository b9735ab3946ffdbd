import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { RulesError, type RulesErrorCode } from '#libs/rules';

const STATUS: Record<RulesErrorCode, number> = {
  VALIDATION_FAILED: 400,
  RULE_NOT_FOUND: 404,
  RULE_ID_TAKEN: 409,
  GROUP_ALREADY_HAS_RULE: 409,
  RULE_LIMIT_REACHED: 409,
  GROUP_ALREADY_REGISTERED: 409,
  GROUP_IN_USE: 409,
  ROCKETMQ_INSTANCE_IN_USE: 409,
  ROCKETMQ_INSTANCE_ALREADY_REGISTERED: 409,
  GROUP_NOT_FOUND: 404,
  ROCKETMQ_INSTANCE_NOT_FOUND: 404,
  SOURCE_GROUP_NOT_FOUND: 422,
  TARGET_INSTANCE_NOT_FOUND: 422,
  TARGET_TOPIC_NOT_FOUND: 422,
  REGION_MISMATCH: 422,
  RULE_TYPE_NOT_SUPPORTED: 422,
  RULE_VERSION_MISMATCH: 412,
};

const TITLES: Record<number, string> = {
  400: 'Invalid request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  409: 'Conflict',
  412: 'Precondition failed',
  415: 'Unsupported media type',
  422: 'Unprocessable request',
  500: 'Internal error',
};

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
    if (error instanceof RulesError) {
      const status = STATUS[error.code];
      return {
        type: `urn:mqtt-status-relay:problem:${error.code.toLowerCase().replaceAll('_', '-')}`,
        title: TITLES[status],
        status,
        detail: error.message,
        code: error.code,
        errors: error.violations,
        instance,
      };
    }
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

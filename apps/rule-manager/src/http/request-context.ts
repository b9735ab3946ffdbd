import { randomUUID } from 'node:crypto';
import type { AuthenticatedRequest } from '../access/api-token.guard.js';
import type { RequestContext } from '../control-plane/change-control-plane.command.js';

/** The caller's correlation ID when it sent one (so logs and events join up across services), else a new one. */
export function correlationIdOf(given: string | undefined): string {
  return given && /^[\w.:-]{1,128}$/.test(given) ? given : randomUUID();
}

export function requestContext(request: AuthenticatedRequest): RequestContext {
  // The guard has set the actor for every authenticated route; writes are never public.
  return {
    actor: request.actor ?? 'anonymous',
    correlationId: correlationIdOf(request.header('x-correlation-id')),
  };
}

import { randomUUID } from 'node:crypto';
import type { AuthenticatedRequest } from '../access/api-token.guard.js';
import type { RequestContext } from '../control-plane/change-control-plane.command.js';

/** The caller's correlation ID when it sent one (so logs and events join up across services), else a new one. */
export function requestContext(request: AuthenticatedRequest): RequestContext {
  const given = request.header('x-correlation-id');
  const correlationId = given && /^[\w.:-]{1,128}$/.test(given) ? given : randomUUID();
  // The guard has set the actor for every authenticated route; writes are never public.
  return { actor: request.actor ?? 'anonymous', correlationId };
}

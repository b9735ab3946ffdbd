import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import type { RequestContext } from '../control-plane/change-control-plane.command.js';

/** The caller's correlation ID when it sent one (so logs and events join up across services), else a new one. */
export function requestContext(request: Request): RequestContext {
  const given = request.header('x-correlation-id');
  const correlationId = given && /^[\w.:-]{1,128}$/.test(given) ? given : randomUUID();
  // Until API tokens exist (issue 3) every caller is recorded as `anonymous`.
  return { actor: 'anonymous', correlationId };
}

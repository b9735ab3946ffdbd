import {
  status as Code,
  type Metadata,
  type sendUnaryData,
  type ServerUnaryCall,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import type { Logger } from '@nestjs/common';
import { mayOnlyRead, TOKEN_REQUIRED, type ApiTokenVerifier } from '../access/api-token-verifier.js';
import type { RequestContext } from '../control-plane/change-control-plane.command.js';
import { correlationIdOf } from '../http/request-context.js';
import { CallRefused, toServiceError } from './grpc-errors.js';

/** What a method needs of its caller: a viewer token may read; writes need an admin (as REST's GET vs POST). */
export type Access = 'read' | 'write';

/** One method: its access and what it does with the decoded request (plain objects, camelCase fields). */
export interface Method {
  access: Access;
  // The request is the decoded proto message; each adapter knows its own message.
  run(request: any, context: RequestContext): Promise<unknown>;
}

export type Methods = Record<string, Method>;
export const read = (run: Method['run']): Method => ({ access: 'read', run });
export const write = (run: Method['run']): Method => ({ access: 'write', run });

const first = (metadata: Metadata, key: string) => {
  const [value] = metadata.get(key);
  return typeof value === 'string' ? value : undefined;
};

/** The caller behind a call's `authorization: Bearer <token>` metadata, allowed to do what the method does. */
export function contextOf(verifier: ApiTokenVerifier, metadata: Metadata, access: Access): RequestContext {
  const caller = verifier.callerOf(first(metadata, 'authorization'));
  if (!caller) throw new CallRefused(Code.UNAUTHENTICATED, TOKEN_REQUIRED);
  if (access === 'write' && caller.role !== 'admin')
    throw new CallRefused(Code.PERMISSION_DENIED, mayOnlyRead(caller));
  return { actor: caller.name, correlationId: correlationIdOf(first(metadata, 'x-correlation-id')) };
}

/** The unary handlers of a service: each authenticates, runs its method and answers its result or its status. */
export function unaryHandlers(
  methods: Methods,
  verifier: ApiTokenVerifier,
  logger: Logger,
): UntypedServiceImplementation {
  const handler =
    (name: string, method: Method) =>
    (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => {
      const answer = async () => method.run(call.request, contextOf(verifier, call.metadata, method.access));
      answer().then(
        (response) => callback(null, response),
        (error: unknown) => {
          const { error: status, unexpected } = toServiceError(error);
          if (unexpected)
            logger.error(
              `${name} failed: ${String(error)}`,
              error instanceof Error ? error.stack : undefined,
            );
          callback(status);
        },
      );
    };
  return Object.fromEntries(Object.entries(methods).map(([name, method]) => [name, handler(name, method)]));
}

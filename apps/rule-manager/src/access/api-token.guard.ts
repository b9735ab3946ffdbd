import {
  ForbiddenException,
  Inject,
  Injectable,
  SetMetadata,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { ApiToken } from '#libs/platform';
import { ApiTokenVerifier, mayOnlyRead, TOKEN_REQUIRED } from './api-token-verifier.js';

export const API_TOKENS = Symbol('API_TOKENS');
const PUBLIC = 'public-route';
const READS_ONLY = 'reads-only-route';

/** Routes anyone may call (health probes). */
export const Public = () => SetMetadata(PUBLIC, true);

/** A POST that only reads (a query too large for a URL), which viewers may call too. */
export const ReadsOnly = () => SetMetadata(READS_ONLY, true);

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The caller behind a request: the token's name is the actor of every event it causes. */
export interface AuthenticatedRequest extends Request {
  actor?: string;
  role?: ApiToken['role'];
}

/** Every API route needs `Authorization: Bearer <secret>`. `viewer` tokens may read; writes need `admin`. */
@Injectable()
export class ApiTokenGuard implements CanActivate {
  private readonly verifier: ApiTokenVerifier;

  constructor(
    @Inject(API_TOKENS) tokens: ApiToken[],
    private readonly reflector: Reflector,
  ) {
    this.verifier = new ApiTokenVerifier(tokens);
  }

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true; // bus requests come from inside the deployment
    const marked = (key: string) =>
      this.reflector.getAllAndOverride<boolean>(key, [context.getHandler(), context.getClass()]) === true;
    if (marked(PUBLIC)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = this.verifier.callerOf(request.header('authorization'));
    if (!token) throw new UnauthorizedException(TOKEN_REQUIRED);
    if (token.role !== 'admin' && !READ_METHODS.has(request.method) && !marked(READS_ONLY)) {
      throw new ForbiddenException(mayOnlyRead(token));
    }
    request.actor = token.name;
    request.role = token.role;
    return true;
  }
}

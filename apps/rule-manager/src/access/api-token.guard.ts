import { createHash, timingSafeEqual } from 'node:crypto';
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

export const API_TOKENS = Symbol('API_TOKENS');
const PUBLIC = 'public-route';
const READS_ONLY = 'reads-only-route';

/** Routes anyone may call (health probes). */
export const Public = () => SetMetadata(PUBLIC, true);

/** A POST that only reads (a query too large for a URL), which viewers may call too. */
export const ReadsOnly = () => SetMetadata(READS_ONLY, true);

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const digest = (secret: string) => createHash('sha256').update(secret).digest();

/** The caller behind a request: the token's name is the actor of every event it causes. */
export interface AuthenticatedRequest extends Request {
  actor?: string;
  role?: ApiToken['role'];
}

/**
 * Every API route needs `Authorization: Bearer <secret>`. `viewer` tokens may read; writes need `admin`.
 * Secrets are compared as SHA-256 digests in constant time and never logged.
 */
@Injectable()
export class ApiTokenGuard implements CanActivate {
  private readonly tokens: { name: string; role: ApiToken['role']; digest: Buffer }[];

  constructor(
    @Inject(API_TOKENS) tokens: ApiToken[],
    private readonly reflector: Reflector,
  ) {
    this.tokens = tokens.map((token) => ({
      name: token.name,
      role: token.role,
      digest: digest(token.secret),
    }));
  }

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true; // bus requests come from inside the deployment
    const marked = (key: string) =>
      this.reflector.getAllAndOverride<boolean>(key, [context.getHandler(), context.getClass()]) === true;
    if (marked(PUBLIC)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = this.find(request.header('authorization'));
    if (!token)
      throw new UnauthorizedException('a valid API token is required: Authorization: Bearer <token>');
    if (token.role !== 'admin' && !READ_METHODS.has(request.method) && !marked(READS_ONLY)) {
      throw new ForbiddenException(`token ${token.name} has the ${token.role} role, which may only read`);
    }
    request.actor = token.name;
    request.role = token.role;
    return true;
  }

  private find(authorization: string | undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!match) return undefined;
    const presented = digest(match[1]!);
    // Look at every token, so the time taken says nothing about which one nearly matched.
    let found: (typeof this.tokens)[number] | undefined;
    for (const token of this.tokens) if (timingSafeEqual(token.digest, presented)) found ??= token;
    return found;
  }
}

import { createHash, timingSafeEqual } from 'node:crypto';
import type { ApiToken } from '#libs/platform';

const digest = (secret: string) => createHash('sha256').update(secret).digest();

/** Who presented a token: its name is the actor of every event the call causes. */
export interface Caller {
  name: string;
  role: ApiToken['role'];
}

/**
 * The API tokens, for every transport that takes them (REST's guard, gRPC's calls): `Bearer <secret>` compared as
 * SHA-256 digests in constant time. Secrets are never logged.
 */
export class ApiTokenVerifier {
  private readonly tokens: (Caller & { digest: Buffer })[];

  constructor(tokens: ApiToken[]) {
    this.tokens = tokens.map((token) => ({
      name: token.name,
      role: token.role,
      digest: digest(token.secret),
    }));
  }

  /** The caller an `authorization` value proves, or undefined. */
  callerOf(authorization: string | undefined): Caller | undefined {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!match) return undefined;
    const presented = digest(match[1]!);
    // Look at every token, so the time taken says nothing about which one nearly matched.
    let found: Caller | undefined;
    for (const token of this.tokens)
      if (timingSafeEqual(token.digest, presented)) found ??= { name: token.name, role: token.role };
    return found;
  }
}

export const mayOnlyRead = (caller: Caller) =>
  `token ${caller.name} has the ${caller.role} role, which may only read`;
export const TOKEN_REQUIRED = 'a valid API token is required: Authorization: Bearer <token>';

import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseApiTokens, type ApiToken } from '#libs/platform';

export interface ResolvedTokens {
  tokens: ApiToken[];
  /** Where the tokens came from, for the start-up line (never the secret). */
  source: string;
  /** The token was generated just now (its secret is only in the file). */
  generated?: boolean;
}

/**
 * With API_TOKENS unset, a single-host install still gets an authenticated API: an `admin` token is generated on
 * first start into `DATA_DIR/api-tokens` (mode 600), which the start-up log names, and read from there afterwards.
 */
export function resolveApiTokens(config: { apiTokens: ApiToken[]; dataDir: string }): ResolvedTokens {
  if (config.apiTokens.length > 0) return { tokens: config.apiTokens, source: 'API_TOKENS' };
  const path = join(config.dataDir, 'api-tokens');
  try {
    return { tokens: parseApiTokens(readFileSync(path, 'utf8'), path), source: path };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const secret = randomBytes(24).toString('base64url');
  mkdirSync(config.dataDir, { recursive: true });
  writeFileSync(path, `admin:admin:${secret}\n`, { flag: 'wx', mode: 0o600 });
  return { tokens: parseApiTokens(`admin:admin:${secret}`), source: path, generated: true };
}

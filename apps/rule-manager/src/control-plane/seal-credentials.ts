import type { CredentialsCipher } from '#libs/credentials';
import type { RocketmqCredentials } from '#libs/rules';

/**
 * The secret key is encrypted at the edge (HTTP or bus), before a command is built: no event, log line or
 * response ever holds it in clear.
 */
export function sealCredentials(
  cipher: CredentialsCipher,
  body: unknown,
): { credentials?: RocketmqCredentials } {
  const { accessKey, secretKey } = (body ?? {}) as { accessKey?: unknown; secretKey?: unknown };
  if (typeof accessKey !== 'string' || typeof secretKey !== 'string') return {};
  return { credentials: { accessKey, secretKeyCiphertext: cipher.encrypt(secretKey) } };
}

import { createHmac, timingSafeEqual } from 'node:crypto';
import type { AccessKey } from '#libs/rules';

export type SignatureCheck = 'not-a-signature' | 'valid' | 'invalid';

const PREFIX = 'Signature|';

/**
 * The original product's signature mode: username `Signature|<AccessKeyId>|<InstanceId>`, password the Base64 of
 * HMAC-SHA1 of the client ID keyed with the access key's secret.
 */
export function checkSignature(
  username: string | undefined,
  password: Buffer | undefined,
  clientId: string,
  context: {
    instanceId: string;
    accessKey(id: string): AccessKey | undefined;
    decrypt(ciphertext: string): string;
  },
): SignatureCheck {
  if (!username?.startsWith(PREFIX)) return 'not-a-signature';
  const [, accessKeyId = '', instanceId] = username.split('|');
  const key = context.accessKey(accessKeyId);
  if (!key || instanceId !== context.instanceId || !password) return 'invalid';
  const expected = createHmac('sha1', context.decrypt(key.secretCiphertext))
    .update(clientId)
    .digest('base64');
  const given = password.toString('utf8');
  const matches =
    given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
  return matches ? 'valid' : 'invalid';
}

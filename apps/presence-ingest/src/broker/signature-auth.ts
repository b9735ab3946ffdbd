import { createHmac, timingSafeEqual } from 'node:crypto';
import type { AccessKey } from '#libs/rules';

export type SignatureCheck = 'not-a-signature' | 'valid' | 'invalid';

const PREFIX = 'Signature|';

interface SignatureContext {
  instanceId: string;
  accessKey(id: string): AccessKey | undefined;
  decrypt(ciphertext: string): string;
}

/** The access key a `Signature|<AccessKeyId>|<InstanceId>` username names, when it exists for this instance. */
export function signatureAccessKey(
  username: string | undefined,
  context: SignatureContext,
): AccessKey | undefined {
  if (!username?.startsWith(PREFIX)) return undefined;
  const [, accessKeyId = '', instanceId] = username.split('|', 3);
  return instanceId === context.instanceId ? context.accessKey(accessKeyId) : undefined;
}

/**
 * The original product's signature mode: username `Signature|<AccessKeyId>|<InstanceId>`, password the Base64 of
 * HMAC-SHA1 of the client ID keyed with the access key's secret. The password is compared as the bytes sent.
 */
export function checkSignature(
  username: string | undefined,
  password: Buffer | undefined,
  clientId: string,
  context: SignatureContext,
): SignatureCheck {
  if (!username?.startsWith(PREFIX)) return 'not-a-signature';
  const key = signatureAccessKey(username, context);
  if (!key || !password) return 'invalid';
  let secret: string;
  try {
    secret = context.decrypt(key.secretCiphertext);
  } catch {
    return 'invalid'; // a secret sealed with another CREDENTIALS_KEY opens nothing
  }
  const expected = Buffer.from(createHmac('sha1', secret).update(clientId).digest('base64'));
  return password.length === expected.length && timingSafeEqual(password, expected) ? 'valid' : 'invalid';
}

import type { SendFailure } from '../send-failure.js';

/** RocketMQ remoting response codes (org.apache.rocketmq.common.protocol.ResponseCode) that sending again won't change. */
const PERMANENT_CODES = new Map([
  [13, 'MESSAGE_ILLEGAL'], // too large, bad properties
  [16, 'NO_PERMISSION'], // ACL refused the access key, or the topic is not writable
  [17, 'TOPIC_NOT_EXIST'],
]);
/**
 * A broker's ACL hook that refuses a request answers SYSTEM_ERROR with the exception's text (4.9 plain ACL), 5.x
 * authentication answers its own exception: both are credentials refused, as permanent as NO_PERMISSION.
 */
const CREDENTIALS_REFUSED =
  /AclException|AuthenticationException|AuthorizationException|No accessKey is configured/;

/** A message refused before sending (too large, a property RocketMQ cannot carry): never worth a retry. */
export class IllegalMessageError extends Error {
  override name = 'IllegalMessageError';
}

/**
 * Permanent: the topic is missing, the credentials or permissions are refused, the message is illegal. Everything
 * else (name server or broker unreachable, timeouts, busy, flush failures, anything unknown) is transient, as on
 * the gRPC path (send-failure.ts), so an unexpected error delays a notification instead of dropping it.
 */
export function classifyRemotingFailure(error: unknown): SendFailure {
  if (error instanceof IllegalMessageError) return { failure: 'permanent', error: describe(error) };
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  const permanent =
    (typeof code === 'number' && PERMANENT_CODES.has(code)) || CREDENTIALS_REFUSED.test(message);
  return { failure: permanent ? 'permanent' : 'transient', error: describe(error) };
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  const name = typeof code === 'number' ? PERMANENT_CODES.get(code) : undefined;
  const codeText = code === undefined ? '' : ` (code ${String(code)}${name ? ` ${name}` : ''})`;
  // The broker appends a FAQ link to its remarks: noise in a log line.
  return `${error.name}${codeText}: ${error.message.replace(/\s*See http\S+ for further details\.?/, '')}`;
}

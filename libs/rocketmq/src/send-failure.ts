import {
  BadRequestException,
  ForbiddenException,
  NotFoundException,
  PayloadTooLargeException,
  PaymentRequiredException,
  UnauthorizedException,
  UnsupportedException,
} from 'rocketmq-client-nodejs';
import type { FailureKind } from '#libs/notifications';

/**
 * Answers that will not change by sending again: the topic or instance is missing, the credentials are refused,
 * the message does not fit the topic (e.g. a message group on a normal topic) or is too large. Everything else
 * (unreachable, deadline exceeded, throttled, internal errors, anything unknown) is transient, so an unexpected
 * error delays a notification instead of dropping it.
 */
const PERMANENT = [
  NotFoundException,
  ForbiddenException,
  UnauthorizedException,
  BadRequestException,
  PayloadTooLargeException,
  PaymentRequiredException,
  UnsupportedException,
];

/**
 * The client checks the topic's accepted message types itself and throws a plain TypeError, e.g. for a status
 * notification (a normal or FIFO message) sent to a DELAY or TRANSACTION topic: the error's text is all there is.
 */
const WRONG_MESSAGE_TYPE = /message type not match with topic accept message types/i;
/** The client's own body limit (4 MiB), checked before sending: as permanent as the server's PayloadTooLarge. */
const BODY_TOO_LARGE = /message body size exceeds the threshold/i;

export interface SendFailure {
  failure: FailureKind;
  error: string;
}

/** A send that failed with an already classified failure: classifying it again keeps that classification. */
export class SendFailedError extends Error {
  override name = 'SendFailedError';
  constructor(readonly failure: SendFailure) {
    super(failure.error);
  }
}

export function classifySendFailure(error: unknown): SendFailure {
  if (error instanceof SendFailedError) return error.failure;
  const permanent =
    PERMANENT.some((type) => error instanceof type) ||
    (error instanceof TypeError &&
      (WRONG_MESSAGE_TYPE.test(error.message) || BODY_TOO_LARGE.test(error.message)));
  return { failure: permanent ? 'permanent' : 'transient', error: describe(error) };
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return `${error.name}${code === undefined ? '' : ` (code ${String(code)})`}: ${error.message}`;
}

/** Stable codes of a refused replay or redrive: the HTTP adapter maps them to statuses. */
export type RedeliveryErrorCode =
  'REPLAY_TOO_LARGE' | 'DEAD_LETTER_NOT_FOUND' | 'DEAD_LETTER_ALREADY_REDRIVEN' | 'PRESENCE_EVENT_NOT_STORED';

/** A refused resend request. Nothing was written. */
export class RedeliveryError extends Error {
  constructor(
    readonly code: RedeliveryErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RedeliveryError';
  }

  /** Also what a redrive that lost the race to record it first is told. */
  static alreadyRedriven(deadLetterId: string, redriveId?: string): RedeliveryError {
    const which = redriveId === undefined ? '' : ` (${redriveId})`;
    return new RedeliveryError(
      'DEAD_LETTER_ALREADY_REDRIVEN',
      `dead letter ${deadLetterId} was redriven already${which}`,
    );
  }
}

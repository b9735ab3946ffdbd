/** Stable codes of a refused replay or redrive: the HTTP adapter maps them to statuses. */
export type RedeliveryErrorCode =
  | 'REPLAY_TOO_LARGE'
  | 'RANGE_PAST_RETENTION'
  | 'DEAD_LETTER_NOT_FOUND'
  | 'DEAD_LETTER_ALREADY_REDRIVEN'
  | 'PRESENCE_EVENT_NOT_STORED';

/** A refused resend request. Nothing was written. */
export class RedeliveryError extends Error {
  constructor(
    readonly code: RedeliveryErrorCode,
    message: string,
    /** The request field to change, and where the answer says more (the oldest retained time). */
    readonly field?: { name: string; rule: string; retainedSince?: number },
  ) {
    super(message);
    this.name = 'RedeliveryError';
  }

  /** A replay from before the oldest retained event: its start was removed by retention, so it is refused whole. */
  static pastRetention(from: number, retainedSince: number): RedeliveryError {
    const [asked, oldest] = [new Date(from).toISOString(), new Date(retainedSince).toISOString()];
    return new RedeliveryError(
      'RANGE_PAST_RETENTION',
      `from (${asked}) is before the oldest retained presence event (${oldest}): older events were removed by ` +
        `retention (EVENT_RETENTION). Replay from ${oldest} or later; older ones only from an archive`,
      { name: 'from', rule: 'retained', retainedSince },
    );
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

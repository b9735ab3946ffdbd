import { WrongExpectedVersionError, type Documents, type EventLog } from '#libs/event-store';
import {
  decideRedrive,
  recordedRedriveIn,
  RedeliveryError,
  redriveStream,
  type RedriveRequestedData,
  type RequestRedrive,
} from '#libs/notifications';
import { clientStream, type PresenceEventData } from '#libs/presence';
import type { RequestContext } from '../control-plane/change-control-plane.command.js';
import { deadLetterOf } from '../delivery-stats/delivery-stats.queries.js';
import { recordResendRequest } from '../redelivery/record-resend-request.js';

/**
 * A redrive: the dead letter, its presence event and its redrive stream, then the decision, then the request
 * appended at the redrive stream's version. One stream per dead letter: a second redrive (two operators at once)
 * conflicts there and is refused as a redrive of a dead letter redriven already.
 */
export async function redriveDeadLetter(
  store: EventLog & Documents,
  command: RequestRedrive,
  context: RequestContext,
): Promise<RedriveRequestedData> {
  const { deadLetterId, redriveId } = command.data;
  const stream = redriveStream(deadLetterId);
  const deadLetter = await deadLetterOf(store, deadLetterId);
  const [presence] = deadLetter
    ? await store.readStream(clientStream(deadLetter.clientId), deadLetter.seq)
    : [];
  const recorded = await store.readStream(stream);
  const events = decideRedrive(command, {
    deadLetter,
    presenceEvent: presence && { version: presence.version, data: presence.data as PresenceEventData },
    recordedRedriveId: recordedRedriveIn(recorded),
  });
  const expectedVersion = recorded.at(-1)?.version ?? 'no_stream';
  try {
    await recordResendRequest(store, stream, expectedVersion, events, redriveId, context);
  } catch (error) {
    if (error instanceof WrongExpectedVersionError) throw RedeliveryError.alreadyRedriven(deadLetterId);
    throw error;
  }
  return events[0].data;
}

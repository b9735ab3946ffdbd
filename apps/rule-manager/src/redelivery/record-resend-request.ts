import { newEventId, type EventLog, type ExpectedVersion } from '#libs/event-store';
import type { RedeliveryEvent } from '#libs/notifications';
import type { RequestContext } from '../control-plane/change-control-plane.command.js';

/**
 * An operator's resend request (a replay or a redrive) as its decider gave it: the request first, under the
 * request's own ID, then one `NotificationResendRequested` per notification, appended at once, so a request is
 * recorded whole or not at all, and only once.
 */
export function recordResendRequest(
  log: EventLog,
  stream: string,
  expectedVersion: ExpectedVersion,
  [request, ...resends]: [RedeliveryEvent, ...RedeliveryEvent[]],
  requestId: string,
  context: RequestContext,
): Promise<unknown> {
  const metadata = { ...context, occurredAt: Date.now() };
  return log.append(
    stream,
    [
      { eventId: requestId, type: request.type, data: request.data, metadata },
      ...resends.map((event) => ({ eventId: newEventId(), type: event.type, data: event.data, metadata })),
    ],
    expectedVersion,
  );
}

import { newEventId, type EventStore } from '#libs/event-store';
import type { Notification, RedeliveryEvent } from '#libs/notifications';
import type { RequestContext } from '../control-plane/change-control-plane.command.js';

type Request = Exclude<RedeliveryEvent, { type: 'NotificationResendRequested' }>;

/**
 * An operator's resend request (a replay or a redrive) as dispatch reads it: the request, under the request's own
 * ID, then one `NotificationResendRequested` per notification, appended at once to a stream that must not exist
 * yet, so a request is recorded whole or not at all, and only once.
 */
export function recordResendRequest(
  store: EventStore,
  stream: string,
  request: Request & { id: string },
  notifications: Notification[],
  context: RequestContext,
): Promise<unknown> {
  const metadata = { ...context, occurredAt: Date.now() };
  return store.append(
    stream,
    [
      { eventId: request.id, type: request.type, data: request.data, metadata },
      ...notifications.map((notification) => ({
        eventId: newEventId(),
        type: 'NotificationResendRequested',
        data: { notification },
        metadata,
      })),
    ],
    'no_stream',
  );
}

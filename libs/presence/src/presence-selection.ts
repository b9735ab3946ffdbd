import { CLIENT_ID_SEPARATOR } from './identifiers.js';
import {
  CLIENT_STREAM_PREFIX,
  clientStream,
  isPresenceEventType,
  PRESENCE_EVENT_TYPES,
} from './presence.events.js';

/** Which presence events a watcher wants: every client's, one group's, or those of named clients. */
export type PresenceSelection = { all: true } | { groupId: string } | { clientIds: string[] };

/** The same selection as a store filter (stream prefixes and types) and an exact test of a stored event. */
export interface PresenceStreams {
  filter: { streamPrefixes: string[]; types: string[] };
  matches(event: { stream: string; type: string }): boolean;
}

export function presenceStreams(selection: PresenceSelection): PresenceStreams {
  const types = [...PRESENCE_EVENT_TYPES];
  if ('clientIds' in selection) {
    // A prefix `client-A` also matches `client-AB`: the exact stream decides.
    const streams = new Set(selection.clientIds.map(clientStream));
    return {
      filter: { streamPrefixes: [...streams], types },
      matches: (event) => streams.has(event.stream) && isPresenceEventType(event.type),
    };
  }
  const prefix =
    'groupId' in selection ? clientStream(selection.groupId + CLIENT_ID_SEPARATOR) : CLIENT_STREAM_PREFIX;
  return {
    filter: { streamPrefixes: [prefix], types },
    matches: (event) => event.stream.startsWith(prefix) && isPresenceEventType(event.type),
  };
}

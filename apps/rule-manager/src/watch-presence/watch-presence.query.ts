import { GROUP_ID_PATTERN, presenceStreams } from '#libs/presence';
import type { ReadAllFilter, RecordedEvent } from '#libs/event-store';
import * as z from 'zod';
import { BATCH_BODY } from '../client-status/read-client-status.js';
import { matchingParam, parseParams } from '../http/query-params.js';

const WATCH_QUERY = z
  .object({
    afterPosition: z
      .custom<string>((value) => typeof value === 'string' && /^\d{1,15}$/.test(value), {
        error: 'must be a position: a whole number from 0',
        params: { rule: 'position' },
      })
      .transform(Number)
      .optional(),
    groupId: matchingParam(GROUP_ID_PATTERN, 'pattern', (id) => `${String(id)} is not a Group ID`).optional(),
    // The same list as the batch status query: 1 to 100 client IDs.
    clientIds: BATCH_BODY.shape.clientIds.optional(),
  })
  .refine((query) => query.groupId === undefined || query.clientIds === undefined, {
    path: ['clientIds'],
    error: 'must not be given with groupId',
    params: { rule: 'exclusive' },
  });

/** What a watcher asked for: where to start (undefined: from now) and which presence events. */
export interface WatchQuery {
  afterPosition?: number;
  filter: ReadAllFilter;
  /** The store filter selects by stream prefix; `GID_a@@@van-1` is a prefix of `GID_a@@@van-10`'s stream. */
  matches(event: Pick<RecordedEvent, 'stream' | 'type'>): boolean;
}

export function watchQuery(given: unknown): WatchQuery {
  const { afterPosition, groupId, clientIds } = parseParams(WATCH_QUERY, given);
  const selection = clientIds ? { clientIds } : groupId !== undefined ? { groupId } : { all: true as const };
  const { filter, matches } = presenceStreams(selection);
  return { ...(afterPosition !== undefined && { afterPosition }), filter, matches };
}

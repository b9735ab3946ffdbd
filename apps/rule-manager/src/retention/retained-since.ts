import type { EventLog, Retention } from '#libs/event-store';
import { EXPIRING_STREAM_PREFIXES } from '#libs/platform';

type RetainedLog = Pick<EventLog, 'readAll'> & Pick<Retention, 'retentionHorizon'>;

/** The oldest presence or delivery event still stored, if any. */
export async function oldestRetainedEvent(store: RetainedLog) {
  const [oldest] = await store.readAll(await store.retentionHorizon(), {
    filter: { streamPrefixes: [...EXPIRING_STREAM_PREFIXES] },
    limit: 1,
  });
  return oldest;
}

/**
 * Since when the presence and delivery history is complete: undefined while retention never removed anything,
 * else the time of the oldest event still stored (`now` when none is left).
 */
export async function retainedSince(store: RetainedLog, now: number): Promise<number | undefined> {
  if ((await store.retentionHorizon()) === 0) return undefined;
  return (await oldestRetainedEvent(store))?.metadata.occurredAt ?? now;
}

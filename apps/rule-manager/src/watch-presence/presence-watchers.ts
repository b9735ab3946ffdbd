import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import {
  LogFeed,
  TooManyWatchersError,
  type EventLog,
  type LogWatch,
  type RecordedEvent,
  type Retention,
} from '#libs/event-store';
import { APP_CONFIG, EVENT_STORE, type AppConfig } from '#libs/platform';
import {
  presenceStreams,
  statusEventType,
  type PresenceEventData,
  type PresenceEventType,
} from '#libs/presence';
import type { WatchQuery } from './watch-presence.query.js';

/** A refused watch: what to change, as a problem with a stable code. */
export class WatchRefused extends Error {
  constructor(
    readonly code: 'WATCHER_LIMIT_REACHED' | 'POSITION_PAST_RETENTION',
    readonly field: { name: string; rule: string } | undefined,
    message: string,
  ) {
    super(message);
  }
}

/** Where a watcher's events go: `write` answers false once the transport's buffer is full. */
export interface PresenceSink {
  write(event: ReturnType<typeof watchedEvent>): boolean;
  /** Resolves when the sink takes writes again, or is closed. */
  drained(): Promise<void>;
  readonly closed: boolean;
}

const BATCH = 256;

export function watchedEvent(event: RecordedEvent) {
  const data = event.data as PresenceEventData;
  const pick = (name: string) => (typeof data[name] === 'number' ? { [name]: data[name] } : {});
  return {
    position: event.position,
    eventId: event.eventId,
    eventType: statusEventType(event.type as PresenceEventType),
    clientId: data.clientId,
    groupId: data.clientId.slice(0, data.clientId.indexOf('@@@')),
    seq: event.version,
    channelId: data.channelId,
    clientIp: data.clientIp,
    time: new Date(data.time).toISOString(),
    reason: data.reason,
    ...pick('protocolVersion'),
    ...pick('clientReasonCode'),
    ...pick('serverReasonCode'),
  };
}

/** Every presence event: what the feed reads; each watcher's query selects within it. */
const ALL_PRESENCE = presenceStreams({ all: true }).filter;

/**
 * The presence watchers of this process, at most GRPC_MAX_WATCHERS at once, all fed by one follower of the log
 * (LogFeed): an append costs one read however many watch. Each watcher hands its events to its sink in store
 * order; while a sink is full its watcher takes nothing, and one that falls far behind is left to read the store
 * from its own position, so a slow watcher holds up neither the feed nor the others.
 */
@Injectable()
export class PresenceWatchers implements OnModuleDestroy {
  private readonly feed: LogFeed;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventLog & Retention,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.feed = new LogFeed(store, {
      name: 'watch-presence',
      filter: ALL_PRESENCE,
      maxWatchers: config.grpcMaxWatchers,
      batchSize: BATCH,
    });
  }

  /** Starts a watch: the position it starts after, and a stop that frees its place. */
  async watch(query: WatchQuery, sink: PresenceSink): Promise<{ after: number; stop: () => Promise<void> }> {
    const after = query.afterPosition ?? (await this.store.headPosition());
    const horizon = await this.store.retentionHorizon();
    if (after < horizon)
      throw new WatchRefused(
        'POSITION_PAST_RETENTION',
        { name: 'afterPosition', rule: 'retained' },
        `events up to position ${horizon} may have been removed by retention (EVENT_RETENTION): watch after ${horizon} or later`,
      );
    const watch = await this.feed
      .watch({ after, filter: query.filter, matches: query.matches })
      .catch((error: unknown) => {
        if (!(error instanceof TooManyWatchersError)) throw error;
        throw new WatchRefused(
          'WATCHER_LIMIT_REACHED',
          undefined,
          `${error.limit} watchers already (GRPC_MAX_WATCHERS)`,
        );
      });
    const pumping = pump(watch, sink);
    const stop = async () => {
      watch.close();
      await pumping;
    };
    return { after, stop };
  }

  get count(): number {
    return this.feed.watcherCount;
  }

  async onModuleDestroy(): Promise<void> {
    await this.feed.stop();
  }
}

/** Moves a watch's events into its sink, waiting while the sink is full, until either is closed. */
async function pump(watch: LogWatch, sink: PresenceSink): Promise<void> {
  while (!sink.closed) {
    const events = await watch.next();
    if (events.length === 0) break;
    for (const event of events) {
      if (sink.closed) break;
      if (!sink.write(watchedEvent(event))) await sink.drained();
    }
  }
  watch.close();
}

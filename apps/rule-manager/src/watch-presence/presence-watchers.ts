import { Inject, Injectable } from '@nestjs/common';
import {
  followLog,
  type EventLog,
  type Following,
  type RecordedEvent,
  type Retention,
} from '#libs/event-store';
import { APP_CONFIG, EVENT_STORE, type AppConfig } from '#libs/platform';
import { statusEventType, type PresenceEventData, type PresenceEventType } from '#libs/presence';
import { RecentPresenceLog } from './recent-presence-log.js';
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

/**
 * The presence watchers of this process, at most GRPC_MAX_WATCHERS at once. Each follows the log (followLog) from
 * its position and hands its events to its sink in store order; a sink that is full holds its follower, which
 * reads no further until the sink drains, so a slow watcher costs memory for one batch, not for its backlog. The
 * recent events they read are read from the store once for all of them (RecentPresenceLog).
 */
@Injectable()
export class PresenceWatchers {
  private readonly watching = new Set<Following>();
  private readonly max: number;
  private readonly log: RecentPresenceLog;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventLog & Retention,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.max = config.grpcMaxWatchers;
    this.log = new RecentPresenceLog(store);
  }

  /** Starts a watch: the position it starts after, and a stop that frees its place. */
  async watch(query: WatchQuery, sink: PresenceSink): Promise<{ after: number; stop: () => Promise<void> }> {
    if (this.watching.size >= this.max)
      throw new WatchRefused(
        'WATCHER_LIMIT_REACHED',
        undefined,
        `${this.max} watchers already (GRPC_MAX_WATCHERS)`,
      );
    const after = query.afterPosition ?? (await this.store.headPosition());
    const horizon = await this.store.retentionHorizon();
    if (after < horizon)
      throw new WatchRefused(
        'POSITION_PAST_RETENTION',
        { name: 'afterPosition', rule: 'retained' },
        `events up to position ${horizon} may have been removed by retention (EVENT_RETENTION): watch after ${horizon} or later`,
      );
    const following = followLog(this.log, {
      name: 'watch-presence',
      from: after,
      filter: query.filter,
      batchSize: BATCH,
      handle: async ({ events }) => {
        for (const event of events) {
          if (sink.closed) return 'stop';
          if (query.matches(event) && !sink.write(watchedEvent(event))) await sink.drained();
        }
        return sink.closed ? 'stop' : undefined;
      },
    });
    this.watching.add(following);
    const stop = async () => {
      this.watching.delete(following);
      await following.stop();
    };
    return { after, stop };
  }

  get count(): number {
    return this.watching.size;
  }
}

import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { followLog, type EventStore, type Following, type RecordedEvent } from '#libs/event-store';
import { APP_CONFIG, EVENT_STORE, type AppConfig } from '#libs/platform';
import {
  controlPlaneStream,
  credentialsKey,
  evolveControlPlane,
  initialControlPlaneState,
  isControlPlaneEvent,
  type AccessKey,
  type ControlPlaneState,
  type DeviceCredentialsData,
  type TopicPermissionsData,
} from '#libs/rules';

/**
 * What the broker needs of the control plane (registered groups, device credentials, access keys), followed from
 * the event store, not asked of rule-manager, so the broker keeps admitting devices while rule-manager is down.
 */
@Injectable()
export class ControlPlaneView implements OnModuleDestroy {
  private readonly logger = new Logger('control-plane');
  private readonly stream: string;
  private state: ControlPlaneState = initialControlPlaneState();
  private refreshing: Promise<void> | undefined;
  private following: Following | undefined;
  private readonly changeListeners: (() => void)[] = [];

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.stream = controlPlaneStream(config.instanceId);
  }

  /** Reads the stream, then follows the log from before that read: no full scan, and nothing missed. */
  async start(): Promise<void> {
    const head = await this.store.headPosition();
    await this.refresh();
    this.following = followLog(this.store, {
      name: 'control plane view',
      from: head,
      filter: { streamPrefixes: [this.stream] },
      handle: async ({ events }) => this.apply(events),
      onError: (error) =>
        this.logger.warn(`could not read the control plane (${this.stream}): ${String(error)}`),
    });
  }

  /** Called after each read that changed the control plane (revocations close connections). */
  onChange(listener: () => void): void {
    this.changeListeners.push(listener);
  }

  has(groupId: string): boolean {
    return Object.hasOwn(this.state.groups, groupId);
  }

  accessKey(accessKeyId: string): AccessKey | undefined {
    return Object.hasOwn(this.state.accessKeys, accessKeyId) ? this.state.accessKeys[accessKeyId] : undefined;
  }

  /** The device's own credentials win over its group's. */
  credentialsFor(clientId: string, groupId: string): DeviceCredentialsData | undefined {
    return (
      this.state.credentials[credentialsKey('device', clientId)] ??
      this.state.credentials[credentialsKey('group', groupId)]
    );
  }

  /** The device's own topic permissions win over its group's; undefined: the default applies. */
  topicPermissionsFor(clientId: string, groupId: string): TopicPermissionsData | undefined {
    return (
      this.state.topicPermissions[credentialsKey('device', clientId)] ??
      this.state.topicPermissions[credentialsKey('group', groupId)]
    );
  }

  /** Reads the control plane events appended since the last read; concurrent callers share one read. */
  refresh(): Promise<void> {
    this.refreshing ??= this.readNewEvents().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async readNewEvents(): Promise<void> {
    try {
      this.apply(await this.store.readStream(this.stream, this.state.version + 1));
    } catch (error) {
      this.logger.warn(`could not read the control plane (${this.stream}): ${String(error)}`);
      throw error;
    }
  }

  /** Events already applied (read by `refresh` and again by the follower) are skipped by their version. */
  private apply(events: RecordedEvent[]): void {
    const fresh = events.filter(
      (event) => event.stream === this.stream && event.version > this.state.version,
    );
    if (fresh.length === 0) return;
    for (const event of fresh) {
      if (!isControlPlaneEvent(event)) continue;
      this.state = evolveControlPlane(this.state, event, {
        streamVersion: event.version,
        occurredAt: event.metadata.occurredAt,
      });
    }
    for (const listener of this.changeListeners) listener();
  }

  onModuleDestroy(): Promise<void> | undefined {
    return this.following?.stop();
  }
}

import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { startSubscription, type EventStore, type RecordedEvent, type Subscription } from '#libs/event-store';
import { APP_CONFIG, EVENT_STORE, type AppConfig } from '#libs/platform';
import { ControlPlaneAtPosition, controlPlaneStream } from '#libs/rules';
import { CONTROL_PLANE_PROJECTION, COLLECTIONS, documentChanges } from './control-plane.documents.js';

const READ_YOUR_WRITES_TIMEOUT_MS = 5_000;

/**
 * Keeps the control plane read model up to date from the event store: a checkpointed subscription whose
 * document changes commit with its checkpoint, so it resumes exactly where it stopped and can be rebuilt from the
 * first event at any time (`npm run projections:rebuild`).
 */
@Injectable()
export class ControlPlaneProjector implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('read-model');
  private readonly stream: string;
  private rules: ControlPlaneAtPosition;
  private subscription: Subscription | undefined;
  private waiters: { position: number; resolve: () => void }[] = [];

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.stream = controlPlaneStream(config.instanceId);
    this.rules = new ControlPlaneAtPosition(this.stream);
  }

  onApplicationBootstrap(): Promise<void> {
    return this.start();
  }

  /** Resumes from the checkpoint: the state there is folded from the stream, then followed live. */
  async start(): Promise<void> {
    const checkpoint = await this.store.loadCheckpoint(CONTROL_PLANE_PROJECTION);
    this.rules = ControlPlaneAtPosition.upTo(
      this.stream,
      await this.store.readStream(this.stream),
      checkpoint,
    );
    this.subscription = startSubscription(this.store, {
      name: CONTROL_PLANE_PROJECTION,
      filter: { streamPrefixes: [this.stream] },
      batchSize: 500,
      handle: (events) => this.project(events),
      onError: (error) => this.logger.error(`read model update failed, retrying: ${String(error)}`),
    });
  }

  /** Rebuilds from the first event, without a live subscription (the command line's rebuild). */
  async rebuild(): Promise<{ events: number; position: number }> {
    await this.store.resetProjection(CONTROL_PLANE_PROJECTION, Object.values(COLLECTIONS));
    this.rules = new ControlPlaneAtPosition(this.stream);
    let events = 0;
    for (let batch = await this.read(0); batch.length > 0; batch = await this.read(batch.at(-1)!.position)) {
      await this.project(batch);
      events += batch.length;
    }
    return { events, position: this.rules.position };
  }

  /** Resolves once the read model includes `position`: a client reads its own writes. */
  caughtUpTo(position: number): Promise<void> {
    if (this.rules.position >= position) return Promise.resolve();
    return new Promise((resolve) => {
      const waiter = { position, resolve };
      this.waiters.push(waiter);
      setTimeout(() => this.release(waiter), READ_YOUR_WRITES_TIMEOUT_MS).unref();
    });
  }

  private read(after: number): Promise<RecordedEvent[]> {
    return this.store.readAll(after, { filter: { streamPrefixes: [this.stream] }, limit: 500 });
  }

  private async project(events: RecordedEvent[]): Promise<void> {
    const before = this.rules.current;
    const next = this.rules.copy(); // the current state stays if the commit fails: the batch is retried
    for (const event of events) next.apply(event);
    const last = events.at(-1);
    if (!last) return;
    await this.store.commitProjection(
      CONTROL_PLANE_PROJECTION,
      last.position,
      documentChanges(before, next.current),
    );
    this.rules = next;
    for (const waiter of this.waiters.filter((w) => w.position <= last.position)) this.release(waiter);
  }

  private release(waiter: { position: number; resolve: () => void }): void {
    this.waiters = this.waiters.filter((w) => w !== waiter);
    waiter.resolve();
  }

  async onModuleDestroy(): Promise<void> {
    await this.subscription?.stop();
  }
}

import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { catchUpLog, followLog, type EventStore, type Following, type LogBatch } from '#libs/event-store';
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
  private following: Following | undefined;
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
    this.following = followLog(this.store, {
      ...this.followOptions(),
      from: checkpoint,
      onError: (error) => this.logger.error(`read model update failed, retrying: ${String(error)}`),
    });
  }

  /** Rebuilds from the first event, without a live subscription (the command line's rebuild). */
  async rebuild(): Promise<{ events: number; position: number }> {
    await this.store.resetProjection(CONTROL_PLANE_PROJECTION, Object.values(COLLECTIONS));
    this.rules = new ControlPlaneAtPosition(this.stream);
    let events = 0;
    await catchUpLog(this.store, {
      ...this.followOptions(),
      from: 0,
      handle: (batch) => {
        events += batch.events.length;
        return this.project(batch);
      },
    });
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

  private followOptions() {
    return {
      name: CONTROL_PLANE_PROJECTION,
      filter: { streamPrefixes: [this.stream] },
      batchSize: 500,
      handle: (batch: LogBatch) => this.project(batch),
    };
  }

  /** The document changes commit with the checkpoint, also past the batches the filter left empty. */
  private async project({ events, through }: LogBatch): Promise<void> {
    const before = this.rules.current;
    const next = this.rules.copy(); // the current state stays if the commit fails: the batch is retried
    for (const event of events) next.apply(event);
    await this.store.commitProjection(
      CONTROL_PLANE_PROJECTION,
      through,
      documentChanges(before, next.current),
    );
    this.rules = next;
    for (const waiter of this.waiters.filter((w) => w.position <= through)) this.release(waiter);
  }

  private release(waiter: { position: number; resolve: () => void }): void {
    this.waiters = this.waiters.filter((w) => w !== waiter);
    waiter.resolve();
  }

  async onModuleDestroy(): Promise<void> {
    await this.following?.stop();
  }
}

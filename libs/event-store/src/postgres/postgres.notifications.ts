import pg from 'pg';
import { Backoff } from '#libs/backoff';

export interface NotificationListenerOptions {
  connectionString: string;
  channel: string;
  /** Shown in pg_stat_activity, so operators (and tests) can tell the listening connection apart. */
  applicationName: string;
  /** Called on every notification, and after each (re)connect since notifications may have been missed. */
  onNotification: () => void;
  onError: (error: Error) => void;
}

/**
 * A dedicated connection that LISTENs on the store's channel (pooled connections cannot: LISTEN lives as long
 * as the session). When the connection drops (PostgreSQL restarts, the backend is terminated) it reconnects
 * with capped backoff, forever, until stopped; meanwhile the store's slow poll keeps subscribers moving.
 */
export class NotificationListener {
  private client: pg.Client | undefined;
  private running = false;
  private readonly reconnects = new Backoff({ initialMs: 100, maxMs: 5_000 });
  private retryTimer: NodeJS.Timeout | undefined;
  /** Bumped by start and stop, so a connect still in flight from an earlier start gives up. */
  private generation = 0;

  constructor(private readonly options: NotificationListenerOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.generation += 1;
    void this.connect(this.generation);
  }

  async stop(): Promise<void> {
    this.running = false;
    this.generation += 1;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(generation: number): Promise<void> {
    const { connectionString, applicationName, channel, onNotification } = this.options;
    const client = new pg.Client({
      connectionString,
      application_name: applicationName,
      connectionTimeoutMillis: 10_000,
    });
    // Without an 'error' listener a dropped connection would crash the process.
    client.on('error', (error) => this.dropped(client, error));
    client.on('end', () => this.dropped(client));
    client.on('notification', () => onNotification());
    try {
      await client.connect();
      await client.query(`LISTEN "${channel}"`);
    } catch (error) {
      await client.end().catch(() => undefined);
      if (generation !== this.generation) return;
      this.options.onError(error as Error);
      this.scheduleRetry();
      return;
    }
    if (generation !== this.generation) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.reconnects.succeeded();
    onNotification();
  }

  private dropped(client: pg.Client, error?: Error): void {
    if (this.client !== client) return;
    this.client = undefined;
    if (error) this.options.onError(error);
    client.end().catch(() => undefined);
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (!this.running || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (this.running) void this.connect(this.generation);
    }, this.reconnects.next());
    this.retryTimer.unref();
  }
}

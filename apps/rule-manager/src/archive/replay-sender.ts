import { toStatusMessage, type Notification, type StatusMessage } from '#libs/notifications';
import { addressOf, type BatchEntryResult, type RocketmqProducers } from '#libs/rocketmq';
import type { RocketmqInstance } from '#libs/rules';

/** Notifications held before they are sent: a month of archive is streamed, never held whole. */
const FLUSH_AT = 512;
/** Messages per SendMessage call on a normal topic, as dispatch sends them. */
const MESSAGES_PER_CALL = 128;
const FAILURES_LOGGED = 10;

type Destination = { instanceId: string; topic: string };

/**
 * Sends replayed notifications as dispatch would (SPEC §5 through toStatusMessage): to each notification's RocketMQ
 * instance as registered now, several per call on a normal topic, one client's run per call on a FIFO topic so
 * each client's order holds. Counts what was sent and what failed; a dry run only counts.
 */
export class ReplaySender {
  sent = 0;
  failed = 0;
  /** Notifications per `instance/topic`, for the summary. */
  readonly perTopic = new Map<string, number>();
  private pending: Notification[] = [];
  private readonly fifoTopics = new Map<string, boolean | string>();

  constructor(
    private readonly producers: RocketmqProducers | undefined,
    private readonly instanceOf: (instanceId: string) => RocketmqInstance | undefined,
    private readonly mqttInstanceId: string,
    private readonly log: (line: string) => void,
  ) {}

  async add(notification: Notification): Promise<void> {
    const key = `${notification.target.instanceId}/${notification.target.topic}`;
    this.perTopic.set(key, (this.perTopic.get(key) ?? 0) + 1);
    this.pending.push(notification);
    if (this.pending.length >= FLUSH_AT) await this.flush();
  }

  async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    if (!this.producers) return;
    for (const [destination, notifications] of groupBy(batch, (n) => JSON.stringify(n.target)))
      await this.sendTo(JSON.parse(destination) as Destination, notifications);
  }

  private async sendTo(destination: Destination, notifications: Notification[]): Promise<void> {
    const instance = this.instanceOf(destination.instanceId);
    const fifo = instance ? await this.isFifo(instance, destination.topic) : 'not registered any more';
    if (typeof fifo === 'string') {
      this.fail(
        notifications,
        `RocketMQ instance ${destination.instanceId}, topic ${destination.topic}: ${fifo}`,
      );
      return;
    }
    const messages = notifications.map((n) => toStatusMessage(n, { fifo }, this.mqttInstanceId));
    const calls = fifo
      ? [...groupBy(messages, (message) => message.messageGroup!).values()]
      : chunk(messages, MESSAGES_PER_CALL);
    const results = await Promise.all(calls.map((call) => this.producers!.sendBatch(instance!, call)));
    calls.forEach((call, i) => this.count(call, results[i]!));
  }

  /** Whether messages to the topic carry the client as message group (FIFO, or remoting), or why nothing can be sent. */
  private async isFifo(instance: RocketmqInstance, topic: string): Promise<boolean | string> {
    const key = `${instance.instanceId}/${topic}`;
    if (!this.fifoTopics.has(key)) {
      const check = await this.producers!.checkTopic(instance, topic);
      const answer =
        'unreachable' in check
          ? `unreachable at ${addressOf(instance)}: ${check.unreachable}`
          : check.exists
            ? await this.producers!.shardsByClient(instance, topic)
            : 'the topic does not exist';
      this.fifoTopics.set(key, answer);
    }
    return this.fifoTopics.get(key)!;
  }

  private count(messages: StatusMessage[], results: BatchEntryResult[]): void {
    messages.forEach((message, i) => {
      const result = results[i];
      if (result && 'messageId' in result) this.sent++;
      else this.fail([message], `${message.topic}: ${result?.error ?? 'no result'}`);
    });
  }

  private fail(what: Array<Notification | StatusMessage>, reason: string): void {
    for (const item of what) {
      if (this.failed < FAILURES_LOGGED) this.log(`not sent: ${notificationIdOf(item)} to ${reason}`);
      else if (this.failed === FAILURES_LOGGED) this.log('not sent: more failures, counted in the summary');
      this.failed++;
    }
  }
}

function notificationIdOf(item: Notification | StatusMessage): string {
  return 'notificationId' in item ? item.notificationId : item.keys[1]!;
}

function groupBy<T>(items: T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}

function chunk<T>(items: T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}

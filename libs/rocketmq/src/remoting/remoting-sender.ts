/*
 * Sending status notifications to one RocketMQ instance over the remoting protocol (the name server and the
 * brokers' own TCP protocol, RocketMQ 4.x and 5.x alike), with ali-ons: docs/decisions/0015-rocketmq-remoting-client.md.
 */
import { format } from 'node:util';
import { Producer } from 'ali-ons';
import type { StatusMessage } from '#libs/notifications';
import { batchDestination, type BatchEntryResult } from '../rocketmq-batch-send.js';
import type { InstanceSender, TopicCheck } from '../instance-sender.js';
import { SendFailedError } from '../send-failure.js';
import { sendBatchRequest } from './batch-request.js';
import { anyBrokerRegistered, NO_BROKER } from './broker-presence.js';
import { closeInnerProducerOf, stoppableSchedules } from './client-schedules.js';
import { parseNameServer } from './name-server.js';
import { classifyRemotingFailure } from './remoting-failure.js';
import { toRemoting } from './remoting-message.js';
import { checkRemotingTopic } from './remoting-topic-check.js';
import { type QueueSender, sendToQueue } from './queue-run.js';
import { queueForShardingKey } from './sharding-key-queue.js';

/**
 * Each send names a "default topic" (`createTopicKey`) from which a broker that lacks the topic creates it when
 * allowed (4.x brokers are, from TBW102, by default). A name no broker has: a missing topic stays missing, and the
 * send fails permanently, as on gRPC.
 */
const NO_AUTO_CREATE = 'mqtt-status-relay-no-auto-create';
/** ResponseCode.TOPIC_NOT_EXIST */
const TOPIC_NOT_EXIST = 17;

export interface RemotingInstance {
  instanceId: string;
  /** `host:port[;host:port…]` */
  nameServer: string;
  namespace?: string;
  /** ACL credentials, the secret already decrypted. */
  credentials?: { accessKey: string; secretKey: string };
}

export interface RemotingSenderOptions {
  requestTimeoutMs?: number;
  /** Where the client's own warnings go (it logs every retry and reconnect). */
  debug?: (line: string) => void;
}

let instances = 0;

/** One instance's producer: sends StatusMessages and answers with the broker's message ID, or a classified failure. */
export class RemotingSender implements InstanceSender {
  private readonly producer: Producer;
  private readonly schedules: { stop(): void };
  private readonly requestTimeoutMs: number;
  private started: Promise<void> | undefined;
  private readonly queueSender: QueueSender = {
    toRemoting: (message) => toRemoting(message, (topic) => this.producer.formatTopic(topic)),
    sendOne: (message, queue) => this.producer.sendKernelImpl(message, queue),
    sendBatch: (messages, entries, queue) =>
      sendBatchRequest(this.producer, {
        topic: messages[0]!.topic,
        queue,
        entries: [...entries],
        timeoutMs: this.requestTimeoutMs,
      }),
  };

  constructor(
    readonly instance: RemotingInstance,
    { requestTimeoutMs = 5_000, debug = () => undefined }: RemotingSenderOptions = {},
  ) {
    // The client logs printf-style ('%s', '%j').
    this.requestTimeoutMs = requestTimeoutMs;
    const forward = (...args: unknown[]) => debug(`[${instance.instanceId}] ${format(...args)}`);
    this.producer = new Producer({
      nameSrv: parseNameServer(instance.nameServer),
      httpclient: {},
      producerGroup: 'mqtt-status-relay',
      // The client shares its connections between producers of one instance name: one name per instance.
      instanceName: `relay-${instance.instanceId}-${process.pid}-${++instances}`,
      ...(instance.namespace && { namespace: instance.namespace }),
      ...(instance.credentials && {
        accessKey: instance.credentials.accessKey,
        secretKey: instance.credentials.secretKey,
      }),
      sendMsgTimeout: requestTimeoutMs,
      responseTimeout: requestTimeoutMs,
      retryTimesWhenSendFailed: 0, // retries are the caller's: dispatch never gives up and keeps per-client order
      compressMsgBodyOverHowmuch: Number.MAX_SAFE_INTEGER, // byte-exact bodies, as consumers of the original get
      createTopicKey: NO_AUTO_CREATE,
      logger: { info: () => undefined, debug: () => undefined, warn: forward, error: forward },
    });
    this.producer.on('error', (error) => forward(error));
    this.schedules = stoppableSchedules(this.producer._mqClient);
  }

  /**
   * Always: 4.x has no FIFO topic type (its orderly consumers read a queue in order), so each client's messages go
   * to one queue, chosen by its ID, on every topic; a 5.x broker takes the sharding key on a normal topic too.
   */
  shardsByClient(): Promise<boolean> {
    return Promise.resolve(true);
  }

  async checkTopic(topic: string): Promise<TopicCheck> {
    const check = await checkRemotingTopic(this, topic);
    return 'exists' in check && check.exists ? { exists: true, fifo: check.fifo } : check;
  }

  /** Sends one message and returns its message ID; a failure is thrown as SendFailedError (already classified). */
  async send(message: StatusMessage): Promise<string> {
    const [result] = await this.sendBatch([message]);
    if (!result || !('messageId' in result))
      throw new SendFailedError(result ?? { failure: 'transient', error: 'no result' });
    return result.messageId;
  }

  /**
   * Sends messages of one topic (and, with a message group, one client) to one queue and answers per entry, in
   * order: the client's queue by its ID, else one the client picks. Several messages go as SEND_BATCH_MESSAGE
   * requests (queue-run.ts), one after the other for a client's run, stopping at the first failure.
   */
  async sendBatch(messages: readonly StatusMessage[]): Promise<BatchEntryResult[]> {
    if (messages.length === 0) return [];
    const { topic, messageGroup } = batchDestination(messages);
    try {
      await this.start();
      const route = await this.producer.tryToFindTopicPublishInfo(this.producer.formatTopic(topic));
      if (!route || route.messageQueueList.length === 0)
        throw Object.assign(new Error(`no route for topic ${topic}`), {
          name: 'MQClientException',
          code: TOPIC_NOT_EXIST,
        });
      const queue =
        messageGroup === undefined
          ? route.selectOneMessageQueue()
          : queueForShardingKey(route.messageQueueList, messageGroup);
      if (!queue) throw new Error(`no writable queue for topic ${topic}`);
      return await sendToQueue(this.queueSender, messages, queue, messageGroup !== undefined);
    } catch (error) {
      const failure = await this.routeFailure(error);
      return messages.map(() => failure);
    }
  }

  private async routeFailure(error: unknown): Promise<BatchEntryResult> {
    const failure = classifyRemotingFailure(error);
    if ((error as { code?: unknown }).code !== TOPIC_NOT_EXIST || !this.started) return failure;
    if (await anyBrokerRegistered(this.producer, this.requestTimeoutMs)) return failure;
    return { failure: 'transient', error: NO_BROKER(this.instance.nameServer) };
  }

  /** Closes the producer and its client for real: connections, route and heartbeat timers (none survives). */
  async shutdown(): Promise<void> {
    try {
      await this.start(); // the client starts on its own once made: a sender never used is closed too
      await this.producer.close();
      await closeInnerProducerOf(this.producer._mqClient);
    } catch {
      // it never started, or RocketMQ is gone: nothing left to release
    } finally {
      this.schedules.stop();
      // close() drops every listener, while the client's route timers may still report a failure a moment later:
      // an 'error' with no listener would throw out of the process (and out of whatever test runs then).
      this.producer.on('error', () => undefined);
    }
  }

  /** The client's underlying producer, for the topic check (same connections, same credentials). */
  ready(): Promise<Producer> {
    return this.start().then(() => this.producer);
  }

  private start(): Promise<void> {
    this.started ??= this.producer.ready();
    return this.started;
  }
}

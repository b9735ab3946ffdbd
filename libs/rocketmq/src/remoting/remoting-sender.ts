/*
 * Sending status notifications to one RocketMQ instance over the remoting protocol (the name server and the
 * brokers' own TCP protocol, RocketMQ 4.x and 5.x alike), with ali-ons: docs/decisions/0015-rocketmq-remoting-client.md.
 */
import { format } from 'node:util';
import { Message, type MessageQueue, Producer } from 'ali-ons';
import { MessageIdFactory } from 'rocketmq-client-nodejs';
import type { StatusMessage } from '#libs/notifications';
import { batchDestination, type BatchEntryResult } from '../rocketmq-batch-send.js';
import type { InstanceSender, TopicCheck } from '../instance-sender.js';
import { SendFailedError } from '../send-failure.js';
import { anyBrokerRegistered, NO_BROKER } from './broker-presence.js';
import { closeInnerProducerOf, stoppableSchedules } from './client-schedules.js';
import { parseNameServer } from './name-server.js';
import { classifyRemotingFailure, IllegalMessageError } from './remoting-failure.js';
import { checkRemotingTopic } from './remoting-topic-check.js';
import { queueForShardingKey } from './sharding-key-queue.js';

/** The broker's default maxMessageSize; checked here so an oversized message fails alone, before any I/O. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;
/** RocketMQ's property separators (MessageDecoder): a name or value holding one would corrupt the rest. */
const PROPERTY_SEPARATORS = ['\u0001', '\u0002'];
const holdsSeparator = (text: string) => PROPERTY_SEPARATORS.some((separator) => text.includes(separator));
/** MessageConst.PROPERTY_SHARDING_KEY: the message group that RocketMQ 5 FIFO consumers order by. */
const SHARDING_KEY = '__SHARDINGKEY';
/**
 * MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX: the message ID that consumers read (Java's getMsgId, the
 * proxy's messageId). ali-ons sets none and a 5.x broker then makes its own, which the send does not answer; so
 * we set it, made as the gRPC client makes its IDs, and answer it.
 */
const UNIQ_KEY = 'UNIQ_KEY';
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
   * Sends messages of one topic (and, on FIFO topics, one message group) and answers per entry, in order. The
   * remoting batch (SEND_BATCH_MESSAGE) is not in the client, so each message is one request on the broker's
   * connection: all at once on a normal topic; one after the other on the group's queue when there is a message
   * group, stopping at the first failure so that nothing overtakes it.
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
      if (messageGroup === undefined)
        return await Promise.all(
          messages.map((message) => this.sendOne(message, route.selectOneMessageQueue())),
        );
      return await this.sendInOrder(messages, queueForShardingKey(route.messageQueueList, messageGroup));
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

  private async sendInOrder(
    messages: readonly StatusMessage[],
    queue: MessageQueue,
  ): Promise<BatchEntryResult[]> {
    const results: BatchEntryResult[] = [];
    for (const message of messages) {
      const result = await this.sendOne(message, queue);
      results.push(result);
      if (!('messageId' in result)) {
        const held = {
          failure: 'transient' as const,
          error: `not sent: an earlier message of group ${String(message.messageGroup)} failed`,
        };
        while (results.length < messages.length) results.push(held);
        break;
      }
    }
    return results;
  }

  private async sendOne(message: StatusMessage, queue: MessageQueue | null): Promise<BatchEntryResult> {
    try {
      if (!queue) throw new Error(`no writable queue for topic ${message.topic}`);
      const remoting = this.toRemoting(message);
      await this.producer.sendKernelImpl(remoting, queue);
      // FLUSH_*_TIMEOUT / SLAVE_NOT_AVAILABLE: the master stored it, under this ID; sending again would duplicate it.
      return { messageId: remoting.properties[UNIQ_KEY]! };
    } catch (error) {
      return classifyRemotingFailure(error);
    }
  }

  private toRemoting(message: StatusMessage): Message {
    const body = Buffer.from(message.body, 'utf8');
    if (body.length > MAX_BODY_BYTES)
      throw new IllegalMessageError(
        `message body of ${body.length} bytes exceeds the ${MAX_BODY_BYTES} byte limit`,
      );
    const remoting = new Message(this.producer.formatTopic(message.topic), message.tag, body);
    for (const [name, value] of Object.entries(message.properties)) {
      if (holdsSeparator(name) || holdsSeparator(value))
        throw new IllegalMessageError(
          `property ${JSON.stringify(name)} holds a control character RocketMQ cannot carry`,
        );
      remoting.properties[name] = value;
    }
    remoting.keys = message.keys;
    remoting.properties[UNIQ_KEY] = MessageIdFactory.create().toString();
    if (message.messageGroup !== undefined) remoting.properties[SHARDING_KEY] = message.messageGroup;
    return remoting;
  }
}

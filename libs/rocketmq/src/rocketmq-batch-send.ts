/*
 * Several messages in ONE SendMessage call (apache/rocketmq/v2 MessagingService), below the public API of
 * rocketmq-client-nodejs 1.0.8, whose `Producer.send` takes one message per call. Everything else is the client's
 * own: its RPC client manager (channel, TLS, the signed `authorization` and `x-mq-*` headers of this session), its
 * route cache, its PublishingMessage (message ID, message type, body limit, protobuf) and its load balancer.
 * docs/decisions/0009-batched-rocketmq-sends.md says what this relies on and which tests guard it.
 */
import {
  type MessageQueue,
  type MessageOptions,
  Producer,
  PublishingLoadBalancer,
  PublishingMessage,
  StatusChecker,
  type TopicRouteData,
} from 'rocketmq-client-nodejs';
import definition from 'rocketmq-client-nodejs/proto/apache/rocketmq/v2/definition_pb.js';
import service from 'rocketmq-client-nodejs/proto/apache/rocketmq/v2/service_pb.js';
import type { StatusMessage } from '#libs/notifications';
import { classifySendFailure, type SendFailure } from './send-failure.js';

export type BatchEntryResult = { messageId: string } | SendFailure;

const { Code, Permission } = definition;
const WRITABLE = new Set([Permission.WRITE, Permission.READ_WRITE]);

/** A batch whose messages do not share one topic and one message group: the caller's grouping is wrong. */
export class MixedBatchError extends TypeError {
  override name = 'MixedBatchError';
}

/**
 * The client's Producer, plus the route (which message types a topic accepts) and the batched send. One instance
 * per RocketMQ instance; both `send` paths share its channel and session.
 */
export class RouteAwareProducer extends Producer {
  private readonly balancers = new Map<string, { route: TopicRouteData; balancer: PublishingLoadBalancer }>();

  routeOf(topic: string): Promise<TopicRouteData> {
    return this.getRouteData(topic);
  }

  /**
   * Sends `messages` (one topic; on FIFO topics one message group) and answers per entry, in order. Rejects only
   * a mixed batch; every RocketMQ failure is an entry result, classified transient or permanent.
   */
  async sendBatch(messages: readonly StatusMessage[]): Promise<BatchEntryResult[]> {
    if (messages.length === 0) return [];
    const { topic, messageGroup } = batchDestination(messages);
    const results: Array<BatchEntryResult | undefined> = messages.map(() => undefined);
    const pending: Array<{ index: number; message: PublishingMessage }> = [];
    messages.forEach((message, index) => {
      try {
        pending.push({
          index,
          message: new PublishingMessage(toOptions(message), this.publishingSettings, false),
        });
      } catch (error) {
        results[index] = classifySendFailure(error); // e.g. a body over the size limit: that entry only
      }
    });
    try {
      if (!this.isRunning()) throw new Error('the producer is not running');
      const route = await this.getRouteData(topic);
      if (messageGroup !== undefined && pending.length > 1 && writableQueues(route) > 1) {
        await this.sendOneByOne(route, topic, messageGroup, pending, results);
      } else if (pending.length > 0) {
        const queue = this.queueFor(route, topic, messageGroup);
        const outcomes = await this.call(
          queue,
          topic,
          pending.map(({ message }) => message),
        );
        pending.forEach(({ index }, i) => (results[index] = outcomes[i]!));
      }
    } catch (error) {
      const failure = classifySendFailure(error);
      for (const { index } of pending) results[index] ??= failure;
    }
    return results.map((result) => result ?? { failure: 'transient', error: 'not sent' });
  }

  /**
   * The proxy (5.5 SendMessageActivity) routes a call by its message group only when the call carries ONE message;
   * a call of several goes to the next queue in turn. On a FIFO topic of several queues a batch would therefore
   * leave the group's queue, and consumers would lose the group's order across calls: the group's messages go
   * one per call, in order, and a failure stops the rest (sending them would overtake the failed one).
   */
  private async sendOneByOne(
    route: TopicRouteData,
    topic: string,
    messageGroup: string,
    pending: Array<{ index: number; message: PublishingMessage }>,
    results: Array<BatchEntryResult | undefined>,
  ): Promise<void> {
    const queue = this.queueFor(route, topic, messageGroup);
    for (const [position, { index, message }] of pending.entries()) {
      const [outcome] = await this.call(queue, topic, [message]);
      results[index] = outcome!;
      if (!('messageId' in outcome!)) {
        const held = {
          failure: 'transient' as const,
          error: `not sent: an earlier message of group ${messageGroup} failed`,
        };
        for (const rest of pending.slice(position + 1)) results[rest.index] = held;
        return;
      }
    }
  }

  private async call(
    queue: MessageQueue,
    topic: string,
    messages: PublishingMessage[],
  ): Promise<BatchEntryResult[]> {
    const type = messages[0]!.messageType;
    if (this.publishingSettings.isValidateMessageType() && !queue.acceptMessageTypesList.includes(type)) {
      // The wording classifySendFailure knows from the client's own check: permanent.
      throw new TypeError(
        `message type not match with topic accept message types: topic ${topic} accepts ` +
          `${JSON.stringify(queue.acceptMessageTypesList)}, the batch is of type ${type}`,
      );
    }
    const request = new service.SendMessageRequest();
    for (const message of messages) request.addMessages(message.toProtobuf(this.namespace, queue));
    const response = await this.rpcClientManager.sendMessage(
      queue.broker.endpoints,
      request,
      this.requestTimeout,
    );
    return entryResults(
      messages.map((message) => message.messageId),
      response,
    );
  }

  /** As the client chooses: by message group (its hash over the writable queues), else round robin. */
  private queueFor(route: TopicRouteData, topic: string, messageGroup: string | undefined): MessageQueue {
    let cached = this.balancers.get(topic);
    if (cached?.route !== route) {
      // A refreshed route (every 30 s) keeps the round-robin position, as the client's own update does.
      cached = {
        route,
        balancer: cached ? cached.balancer.update(route) : new PublishingLoadBalancer(route),
      };
      this.balancers.set(topic, cached);
    }
    if (messageGroup !== undefined) return cached.balancer.takeMessageQueueByMessageGroup(messageGroup);
    const [queue] = cached.balancer.takeMessageQueues(this.isolated, 1);
    if (!queue) throw new Error(`no writable queue for topic ${topic}`);
    return queue;
  }
}

/**
 * One entry per message when the proxy gives one; a multi-message call is stored by the broker as one batch and
 * answered with ONE entry (its ID is the batch's, none of the messages'), or with none and only the call's status
 * when the proxy refuses the call. The IDs returned are the ones the client generated for each message: the
 * broker keeps them as the messages' unique keys, and consumers read them as `messageId`.
 */
function entryResults(
  messageIds: string[],
  response: {
    getStatus(): StatusLike | undefined;
    getEntriesList(): Array<{ getStatus(): StatusLike | undefined }>;
  },
): BatchEntryResult[] {
  const entries = response.getEntriesList();
  if (entries.length === messageIds.length)
    return messageIds.map((messageId, i) => outcome(messageId, entries[i]!.getStatus()));
  if (entries.length === 1) return messageIds.map((messageId) => outcome(messageId, entries[0]!.getStatus()));
  if (entries.length === 0) {
    const status = response.getStatus();
    if (status?.toObject().code === Code.OK)
      return messageIds.map(() => ({ failure: 'transient', error: 'the proxy answered OK with no result' }));
    return messageIds.map((messageId) => outcome(messageId, status));
  }
  const error = `the proxy answered ${entries.length} results for ${messageIds.length} messages`;
  return messageIds.map(() => ({ failure: 'transient', error }));
}

interface StatusLike {
  toObject(): { code: number; message: string };
}

function outcome(messageId: string, status: StatusLike | undefined): BatchEntryResult {
  try {
    if (!status) throw new Error('the proxy gave no status');
    StatusChecker.check(status.toObject());
    return { messageId };
  } catch (error) {
    return classifySendFailure(error);
  }
}

/** The batch's topic and message group; throws MixedBatchError when its messages do not share them. */
export function batchDestination(messages: readonly StatusMessage[]): {
  topic: string;
  messageGroup?: string;
} {
  const [first] = messages as [StatusMessage];
  for (const message of messages) {
    if (message.topic !== first.topic)
      throw new MixedBatchError(`one batch, one topic: got ${first.topic} and ${message.topic}`);
    if (message.messageGroup !== first.messageGroup)
      throw new MixedBatchError(
        `one batch, one message group: got ${String(first.messageGroup)} and ${String(message.messageGroup)}`,
      );
  }
  return {
    topic: first.topic,
    ...(first.messageGroup !== undefined && { messageGroup: first.messageGroup }),
  };
}

function writableQueues(route: TopicRouteData): number {
  return route.messageQueues.filter((queue) => WRITABLE.has(queue.permission)).length;
}

export function toOptions(message: StatusMessage): MessageOptions {
  return {
    topic: message.topic,
    tag: message.tag,
    keys: message.keys,
    body: Buffer.from(message.body, 'utf8'),
    properties: new Map(Object.entries(message.properties)),
    ...(message.messageGroup !== undefined && { messageGroup: message.messageGroup }),
  };
}

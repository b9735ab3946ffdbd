// The part of ali-ons 3.12.0 (plain JavaScript, no types of its own) that the remoting sender uses: its public
// Producer and Message, plus the producer's route lookup and per-queue send, which its own `send` is built on.
// docs/decisions/0015-rocketmq-remoting-client.md says why these and which tests guard them.
declare module 'ali-ons' {
  export interface OnsLogger {
    info(...args: unknown[]): void;
    warn(...args: unknown[]): void;
    error(...args: unknown[]): void;
    debug(...args: unknown[]): void;
  }

  export interface ProducerOptions {
    nameSrv: string[];
    /** Only used to look name servers up at Alibaba's address server, which `nameSrv` replaces. */
    httpclient: object;
    producerGroup: string;
    /** The client reuses one connection set per instance name in a process. */
    instanceName: string;
    namespace?: string;
    accessKey?: string;
    secretKey?: string;
    sendMsgTimeout?: number;
    responseTimeout?: number;
    retryTimesWhenSendFailed?: number;
    compressMsgBodyOverHowmuch?: number;
    /** The default route a missing topic would be auto-created from. */
    createTopicKey?: string;
    logger?: OnsLogger;
  }

  export interface MessageQueue {
    topic: string;
    brokerName: string;
    queueId: number | string;
  }

  export interface SendResult {
    sendStatus: 'SEND_OK' | 'FLUSH_DISK_TIMEOUT' | 'FLUSH_SLAVE_TIMEOUT' | 'SLAVE_NOT_AVAILABLE';
    msgId: string;
    messageQueue: MessageQueue;
    queueOffset: number;
  }

  export interface TopicPublishInfo {
    /** The writable queues of every broker, in the name server's order. */
    messageQueueList: MessageQueue[];
    selectOneMessageQueue(lastBrokerName?: string): MessageQueue | null;
  }

  export interface TopicRouteData {
    /** 4.x: `brokerName:queues;…` when the topic was created orderly (`updateTopic -o true`). */
    orderTopicConf?: string;
    brokerDatas: Array<{ brokerName: string; brokerAddrs: Record<string, string> }>;
    queueDatas: Array<{ brokerName: string; perm: number; writeQueueNums: number; readQueueNums: number }>;
  }

  export interface RemotingCommandLike {
    code: number;
    remark?: string;
    body?: Buffer | null;
    /** A response's extFields (string values). */
    decodeCommandCustomHeader?(): Record<string, string | undefined>;
  }

  export class Message {
    constructor(topic: string, tags: string, body: Buffer);
    topic: string;
    body: Buffer;
    flag: number;
    tags: string;
    keys: string[];
    properties: Record<string, string>;
    msgId: string;
    queueId: number;
    queueOffset: number;
  }

  export class Producer {
    constructor(options: ProducerOptions);
    ready(): Promise<void>;
    close(): Promise<void>;
    on(event: 'error', listener: (error: Error) => void): this;
    formatTopic(topic: string): string;
    /** In the namespace, as the client's sends name it. */
    readonly producerGroup: string;
    readonly createTopicKey: string;
    readonly defaultTopicQueueNums: number;
    tryToFindTopicPublishInfo(topic: string): Promise<TopicPublishInfo | undefined>;
    sendKernelImpl(message: Message, queue: MessageQueue): Promise<SendResult>;
    readonly _mqClient: {
      /** The master's address of a broker whose route the client has, if any. */
      findBrokerAddressInPublish(brokerName: string): string | undefined;
      getTopicRouteInfoFromNameServer(topic: string, timeoutMs: number): Promise<TopicRouteData>;
      invoke(address: string, request: RemotingCommandLike, timeoutMs: number): Promise<RemotingCommandLike>;
      invokeForNameSrvAtLeastOnce(
        request: RemotingCommandLike,
        timeoutMs: number,
      ): Promise<RemotingCommandLike>;
      /** Runs `this[name]()` every `interval` ms, first after `delay` (or `interval`). */
      startScheduledTask(name: string, interval: number, delay?: number): void;
      readonly logger: OnsLogger;
      [method: string]: unknown;
    };
    /** The process-wide CLIENT_INNER_PRODUCER, made by the first producer's start, on that producer's client. */
    static defaultProducer: Producer | null | undefined;
  }

  export interface ConsumerOptions {
    nameSrv: string[];
    httpclient: object;
    consumerGroup: string;
    instanceName?: string;
    namespace?: string;
    consumeFromWhere?: string;
    accessKey?: string;
    secretKey?: string;
    logger?: OnsLogger;
  }

  export class Consumer {
    constructor(options: ConsumerOptions);
    ready(): Promise<void>;
    close(): Promise<void>;
    on(event: 'error', listener: (error: Error) => void): this;
    subscribe(topic: string, subExpression: string, handler: (message: Message) => Promise<void>): void;
  }
}

declare module 'ali-ons/lib/protocol/command/remoting_command.js' {
  import type { RemotingCommandLike } from 'ali-ons';

  /** The client's own request encoding (its invoke signs it with the producer's credentials). */
  const RemotingCommand: {
    createRequestCommand(
      code: number,
      customHeader: Record<string, string | number | boolean>,
    ): RemotingCommandLike;
  };
  export default RemotingCommand;
}

declare module 'ali-ons/lib/message/message_decoder.js' {
  /** The client's property encoding (`name\u0001value\u0002…`), as its single sends carry them. */
  const MessageDecoder: { messageProperties2String(properties: Record<string, string>): string };
  export default MessageDecoder;
}

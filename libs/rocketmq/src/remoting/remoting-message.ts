import { Message } from 'ali-ons';
import { MessageIdFactory } from 'rocketmq-client-nodejs';
import type { StatusMessage } from '#libs/notifications';
import { IllegalMessageError } from './remoting-failure.js';

/** The broker's default maxMessageSize; checked here so an oversized message fails alone, before any I/O. */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;
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
export const UNIQ_KEY = 'UNIQ_KEY';

/** The client's Message for `message`, its topic already in the namespace (`formatTopic`), under a new UNIQ_KEY. */
export function toRemoting(message: StatusMessage, formatTopic: (topic: string) => string): Message {
  const body = Buffer.from(message.body, 'utf8');
  if (body.length > MAX_BODY_BYTES)
    throw new IllegalMessageError(
      `message body of ${body.length} bytes exceeds the ${MAX_BODY_BYTES} byte limit`,
    );
  const remoting = new Message(formatTopic(message.topic), message.tag, body);
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

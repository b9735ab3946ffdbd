/*
 * RocketMQ's batch send (SEND_BATCH_MESSAGE, request code 320), which ali-ons lacks, on ali-ons' own pieces: its
 * RemotingCommand, its invoke (whose ACL hook signs the header fields and the body, as for any request), its broker
 * address table and property encoding. docs/decisions/0015-rocketmq-remoting-client.md, "Batch".
 */
import type { Message, MessageQueue, Producer } from 'ali-ons';
import MessageDecoder from 'ali-ons/lib/message/message_decoder.js';
import RemotingCommand from 'ali-ons/lib/protocol/command/remoting_command.js';
import { IllegalMessageError } from './remoting-failure.js';

/** RequestCode.SEND_BATCH_MESSAGE */
const SEND_BATCH_MESSAGE = 320;
/** SUCCESS, and FLUSH_DISK_TIMEOUT / SLAVE_NOT_AVAILABLE / FLUSH_SLAVE_TIMEOUT: the master stored the batch. */
const STORED = new Set([0, 10, 11, 12]);
/** An entry's properties length is a signed 16-bit field. */
const MAX_PROPERTIES_BYTES = 0x7fff;
/** TOTALSIZE, MAGICCODE, BODYCRC, FLAG, BODY length; then the body, then a 2-byte properties length. */
const ENTRY_HEAD_BYTES = 4 * 5;

/**
 * One message as an entry of a batch body, as Apache's MessageDecoder.encodeMessage lays it out (big-endian):
 * total size, magic code 0 and body CRC 0 (the broker computes both), flag, body length, body, properties length,
 * properties (`name\u0001value\u0002…`, UTF-8). A batch body is its entries one after the other.
 */
export function encodeBatchEntry(message: Message): Buffer {
  const properties = Buffer.from(MessageDecoder.messageProperties2String(message.properties), 'utf8');
  if (properties.length > MAX_PROPERTIES_BYTES)
    throw new IllegalMessageError(
      `message properties of ${properties.length} bytes exceed the ${MAX_PROPERTIES_BYTES} byte limit of a batch entry`,
    );
  const size = ENTRY_HEAD_BYTES + message.body.length + 2 + properties.length;
  const entry = Buffer.alloc(size);
  entry.writeInt32BE(size, 0);
  entry.writeInt32BE(message.flag ?? 0, 12);
  entry.writeInt32BE(message.body.length, 16);
  message.body.copy(entry, ENTRY_HEAD_BYTES);
  entry.writeInt16BE(properties.length, ENTRY_HEAD_BYTES + message.body.length);
  properties.copy(entry, ENTRY_HEAD_BYTES + message.body.length + 2);
  return entry;
}

export interface BatchRequest {
  /** The topic in the namespace, as the entries' messages name it. */
  topic: string;
  queue: MessageQueue;
  /** encodeBatchEntry of each message, in order. */
  entries: Buffer[];
  timeoutMs: number;
}

/** What the broker answers for a stored batch: its first queue offset and the offset IDs, one per entry. */
export interface BatchStored {
  queueOffset: number;
  offsetMsgIds: string[];
}

/**
 * Sends one batch to the master of its queue's broker, in one request: stored whole at consecutive offsets of that
 * queue, or refused whole. A refusal is thrown as the client's own failures are (MQClientException with the code).
 */
export async function sendBatchRequest(producer: Producer, batch: BatchRequest): Promise<BatchStored> {
  const client = producer._mqClient;
  let address = client.findBrokerAddressInPublish(batch.queue.brokerName);
  if (!address) {
    await producer.tryToFindTopicPublishInfo(batch.topic);
    address = client.findBrokerAddressInPublish(batch.queue.brokerName);
  }
  if (!address)
    throw Object.assign(new Error(`the broker ${batch.queue.brokerName} is not known`), {
      name: 'MQClientException',
    });
  // SendMessageRequestHeaderV2's one-letter fields, as the client's own single send names them; `m`: batch.
  const request = RemotingCommand.createRequestCommand(SEND_BATCH_MESSAGE, {
    a: producer.producerGroup,
    b: batch.topic,
    c: producer.createTopicKey,
    d: producer.defaultTopicQueueNums,
    e: batch.queue.queueId,
    f: 0,
    g: Date.now(),
    h: 0,
    i: '', // each entry carries its own properties; a 5.x broker appends these to every entry's
    j: 0,
    k: false,
    m: true,
  });
  request.body = Buffer.concat(batch.entries);
  const response = await client.invoke(address, request, batch.timeoutMs);
  if (!STORED.has(response.code))
    throw Object.assign(new Error(response.remark ?? `batch refused with code ${response.code}`), {
      name: 'MQClientException',
      code: response.code,
    });
  const header = response.decodeCommandCustomHeader?.() ?? {};
  return {
    queueOffset: Number(header.queueOffset),
    offsetMsgIds: String(header.msgId ?? '')
      .split(',')
      .filter(Boolean),
  };
}

import type { Message, MessageQueue } from 'ali-ons';
import type { StatusMessage } from '#libs/notifications';
import type { BatchEntryResult } from '../rocketmq-batch-send.js';
import { encodeBatchEntry } from './batch-request.js';
import { classifyRemotingFailure } from './remoting-failure.js';
import { UNIQ_KEY } from './remoting-message.js';

/**
 * A batch body's limit: the broker refuses a request body over its maxMessageSize (4 MiB by default), and stores
 * each entry with a header of its own (~100 bytes and the topic), so well under that.
 */
export const MAX_BATCH_BYTES = 1024 * 1024;

/** The sender's three moves: make a message (may refuse it), send one, send a batch. */
export interface QueueSender {
  toRemoting(message: StatusMessage): Message;
  sendOne(message: Message, queue: MessageQueue): Promise<unknown>;
  sendBatch(messages: readonly Message[], entries: readonly Buffer[], queue: MessageQueue): Promise<unknown>;
}

interface Request {
  indexes: number[];
  messages: Message[];
  entries: Buffer[];
  bytes: number;
}

/**
 * Sends messages bound for one queue in as few requests as the size limit allows: SEND_BATCH_MESSAGE, or the plain
 * send for a request of one. Each stored message answers its own UNIQ_KEY; a refused request fails all its
 * messages alike. `ordered` (one client's run): request after request, stopping at the first failure, whose
 * messages get it and the rest are held back as transient, so nothing overtakes them. Otherwise all at once, and a
 * message refused before sending fails alone.
 */
export async function sendToQueue(
  sender: QueueSender,
  messages: readonly StatusMessage[],
  queue: MessageQueue,
  ordered: boolean,
): Promise<BatchEntryResult[]> {
  const results: Array<BatchEntryResult | undefined> = messages.map(() => undefined);
  const requests: Request[] = [];
  for (const [index, message] of messages.entries()) {
    let remoting: Message;
    let entry: Buffer;
    try {
      remoting = sender.toRemoting(message);
      entry = encodeBatchEntry(remoting);
    } catch (error) {
      results[index] = classifyRemotingFailure(error);
      if (ordered) break;
      continue;
    }
    let request = requests.at(-1);
    if (!request || request.bytes + entry.length > MAX_BATCH_BYTES)
      requests.push((request = { indexes: [], messages: [], entries: [], bytes: 0 }));
    request.indexes.push(index);
    request.messages.push(remoting);
    request.entries.push(entry);
    request.bytes += entry.length;
  }

  const send = async ({ indexes, messages: batch, entries }: Request): Promise<boolean> => {
    try {
      if (batch.length === 1) await sender.sendOne(batch[0]!, queue);
      else await sender.sendBatch(batch, entries, queue);
      // FLUSH_*_TIMEOUT / SLAVE_NOT_AVAILABLE: the master stored it, under these IDs; sending again would duplicate.
      indexes.forEach((index, i) => (results[index] = { messageId: batch[i]!.properties[UNIQ_KEY]! }));
      return true;
    } catch (error) {
      const failure = classifyRemotingFailure(error);
      for (const index of indexes) results[index] = failure;
      return false;
    }
  };
  if (ordered) {
    for (const request of requests) if (!(await send(request))) break;
  } else {
    await Promise.all(requests.map(send));
  }
  const held: BatchEntryResult = {
    failure: 'transient',
    error: `not sent: an earlier message of group ${String(messages[0]?.messageGroup)} failed`,
  };
  return results.map((result) => result ?? held);
}

import { toStatusMessage, type Notification, type StatusMessage } from '#libs/notifications';
import { classifySendFailure, type RocketmqProducers, type SendFailure } from '#libs/rocketmq';
import type { RocketmqInstance } from '#libs/rules';

export type SendResult = { messageId: string } | SendFailure;

/** Messages per SendMessage call at most on a normal topic (runs of several clients together). */
const MESSAGES_PER_CALL = 128;

/**
 * Step 4, in the send thread: puts runs of notifications (each one client's consecutive notifications, all to
 * one topic) on the topic, several per SendMessage call. On a FIFO topic a call carries one run, whose message
 * group is the client (and on a FIFO topic of several queues one message, see decision 9, since the proxy routes
 * only single-message calls by their group); on a normal topic runs of several clients share a call. The remoting
 * kind shards by client on every topic (decision 15), so it always takes the first path. Results per notification.
 */
export async function sendRuns(
  producers: RocketmqProducers,
  instance: RocketmqInstance,
  runs: Notification[][],
  mqttInstanceId: string,
): Promise<SendResult[][]> {
  let fifo: boolean;
  try {
    fifo = await producers.shardsByClient(instance, runs[0]![0]!.target.topic);
  } catch (error) {
    const failure = classifySendFailure(error);
    return runs.map((run) => run.map(() => failure));
  }
  const messages = runs.map((run) => run.map((n) => toStatusMessage(n, { fifo }, mqttInstanceId)));
  if (fifo) return Promise.all(messages.map((run) => sendTogether(producers, instance, run)));
  const calls = chunk(messages, MESSAGES_PER_CALL);
  const results = await Promise.all(calls.map((call) => sendTogether(producers, instance, call.flat())));
  return calls.flatMap((call, i) => split(results[i]!, call));
}

/** One SendMessage call; on a FIFO topic of several queues sendBatch sends a client's run one by one, in order. */
async function sendTogether(
  producers: RocketmqProducers,
  instance: RocketmqInstance,
  messages: StatusMessage[],
): Promise<SendResult[]> {
  try {
    return await producers.sendBatch(instance, messages);
  } catch (error) {
    const failure = classifySendFailure(error); // a mixed batch: grouping above keeps this from happening
    return messages.map(() => failure);
  }
}

/** Runs in order, as many per call as fit in `size` messages (a longer run gets a call of its own). */
function chunk<T>(runs: T[][], size: number): T[][][] {
  const calls: T[][][] = [];
  let count = size;
  for (const run of runs) {
    if (count + run.length > size) {
      calls.push([]);
      count = 0;
    }
    calls.at(-1)!.push(run);
    count += run.length;
  }
  return calls;
}

function split<T>(results: T[], runs: unknown[][]): T[][] {
  let at = 0;
  return runs.map((run) => results.slice(at, (at += run.length)));
}

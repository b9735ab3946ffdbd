import type { RemotingSender } from './remoting-sender.js';

/** PermName.PERM_WRITE */
const PERM_WRITE = 2;
const TOPIC_NOT_EXIST = 17;
const ROUTE_TIMEOUT_MS = 5_000;

/**
 * As RocketmqProducers.checkTopic answers for a gRPC proxy, minus `fifo`: the remoting route carries no message
 * type (4.x has none; 5.x keeps it in the broker's topic attributes, not in the route).
 */
export type RemotingTopicCheck =
  { exists: true; writableQueues: number } | { exists: false } | { unreachable: string };

/** Asks the instance's name servers for the topic's route: it exists, it does not, or none could be reached. */
export async function checkRemotingTopic(sender: RemotingSender, topic: string): Promise<RemotingTopicCheck> {
  try {
    const producer = await sender.ready();
    const route = await producer._mqClient.getTopicRouteInfoFromNameServer(
      producer.formatTopic(topic),
      ROUTE_TIMEOUT_MS,
    );
    const writableQueues = route.queueDatas
      .filter((queue) => (queue.perm & PERM_WRITE) !== 0)
      .reduce((sum, queue) => sum + queue.writeQueueNums, 0);
    return { exists: true, writableQueues };
  } catch (error) {
    if ((error as { code?: unknown }).code === TOPIC_NOT_EXIST) return { exists: false };
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return { unreachable: `name server ${sender.instance.nameServer}: ${reason}` };
  }
}

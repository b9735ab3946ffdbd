import type { Producer, TopicRouteData } from 'ali-ons';
import RemotingCommand from 'ali-ons/lib/protocol/command/remoting_command.js';
import { anyBrokerRegistered, NO_BROKER } from './broker-presence.js';

/** PermName.PERM_WRITE */
const PERM_WRITE = 2;
const SUCCESS = 0;
const TOPIC_NOT_EXIST = 17;
/** RequestCode.GET_TOPIC_CONFIG: 5.x brokers only (4.9 answers REQUEST_CODE_NOT_SUPPORTED). */
const GET_TOPIC_CONFIG = 351;
const TIMEOUT_MS = 5_000;

/** As RocketmqProducers.checkTopic answers for a gRPC proxy, plus the writable queues of the route. */
export type RemotingTopicCheck =
  { exists: true; fifo: boolean; writableQueues: number } | { exists: false } | { unreachable: string };

/** What the check needs of a RemotingSender: its started producer (same connections and credentials). */
export interface RemotingRouteSource {
  readonly instance: { nameServer: string };
  ready(): Promise<Producer>;
}

/** Asks the instance's name servers for the topic's route: it exists, it does not, or none could be reached. */
export async function checkRemotingTopic(
  sender: RemotingRouteSource,
  topic: string,
): Promise<RemotingTopicCheck> {
  let producer: Producer;
  let route: TopicRouteData;
  try {
    producer = await sender.ready();
  } catch (error) {
    return unreachable(sender, error);
  }
  try {
    route = await producer._mqClient.getTopicRouteInfoFromNameServer(producer.formatTopic(topic), TIMEOUT_MS);
  } catch (error) {
    if ((error as { code?: unknown }).code !== TOPIC_NOT_EXIST) return unreachable(sender, error);
    if (await anyBrokerRegistered(producer, TIMEOUT_MS)) return { exists: false };
    return { unreachable: NO_BROKER(sender.instance.nameServer) };
  }
  const writableQueues = route.queueDatas
    .filter((queue) => (queue.perm & PERM_WRITE) !== 0)
    .reduce((sum, queue) => sum + queue.writeQueueNums, 0);
  return { exists: true, fifo: await isFifo(producer, topic, route), writableQueues };
}

function unreachable(sender: RemotingRouteSource, error: unknown): { unreachable: string } {
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { unreachable: `name server ${sender.instance.nameServer}: ${reason}` };
}

/**
 * The route carries no message type. A 5.x broker keeps it in the topic's attributes (`message.type=FIFO`). 4.x
 * has no FIFO type: a topic created orderly shows only in the route's order config, and only from a name server with
 * orderMessageEnable=true (default false), so a 4.x topic is normally "not FIFO" here.
 */
async function isFifo(producer: Producer, topic: string, route: TopicRouteData): Promise<boolean> {
  const orderly = Boolean(route.orderTopicConf);
  const master = route.brokerDatas.map((broker) => broker.brokerAddrs['0']).find(Boolean);
  if (!master) return orderly;
  try {
    const request = RemotingCommand.createRequestCommand(GET_TOPIC_CONFIG, {
      topic: producer.formatTopic(topic),
    });
    const response = await producer._mqClient.invoke(master, request, TIMEOUT_MS);
    if (response.code !== SUCCESS || !response.body) return orderly;
    const config = JSON.parse(response.body.toString('utf8')) as { attributes?: Record<string, string> };
    return config.attributes?.['message.type'] === 'FIFO' || orderly;
  } catch {
    return orderly;
  }
}

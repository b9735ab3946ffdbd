import type { Producer } from 'ali-ons';
import RemotingCommand from 'ali-ons/lib/protocol/command/remoting_command.js';

/** RequestCode.GET_BROKER_CLUSTER_INFO */
const GET_BROKER_CLUSTER_INFO = 106;
const SUCCESS = 0;

/**
 * A name server answers TOPIC_NOT_EXIST for a topic no broker has, and also while every broker is down (a broker
 * that stops is dropped from the routes): asked whether any broker is registered at all, it tells the two apart.
 * An outage must stay transient, or a sender started during it would dead-letter what it could have sent later.
 * Resolves true when it cannot tell (the TOPIC_NOT_EXIST then stands).
 */
export async function anyBrokerRegistered(producer: Producer, timeoutMs: number): Promise<boolean> {
  try {
    const request = RemotingCommand.createRequestCommand(GET_BROKER_CLUSTER_INFO, {});
    const response = await producer._mqClient.invokeForNameSrvAtLeastOnce(request, timeoutMs);
    if (response.code !== SUCCESS || !response.body) return true;
    // The body is fastjson (integer keys unquoted, not JSON): each registered broker has its "brokerAddrs".
    return response.body.toString('utf8').includes('"brokerAddrs"');
  } catch {
    return true;
  }
}

/** The failure for a missing route while no broker is registered: transient, saying why. */
export const NO_BROKER = (nameServer: string) =>
  `no broker is registered with name server ${nameServer} (all down?): the topic's route is unknown until one is back`;

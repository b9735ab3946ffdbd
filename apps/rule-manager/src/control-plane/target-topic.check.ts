import { addressOf, type TopicCheck } from '#libs/rocketmq';
import {
  RulesError,
  type ControlPlaneEvent,
  type ControlPlaneState,
  type RocketmqInstance,
} from '#libs/rules';

export const TOPIC_CHECKER = Symbol('TOPIC_CHECKER');

export interface TopicChecker {
  checkTopic(instance: RocketmqInstance, topic: string): Promise<TopicCheck>;
}

const CHECK_TIMEOUT_MS = 3_000;

/**
 * SPEC §3 via the route query: a rule's target topic must exist on its RocketMQ instance. When the instance
 * cannot be reached the rule is still accepted, with a warning that the topic was not checked.
 * Returns the warnings; throws TARGET_TOPIC_NOT_FOUND when RocketMQ says the topic does not exist.
 */
export async function checkTargetTopics(
  checker: TopicChecker,
  events: ControlPlaneEvent[],
  state: ControlPlaneState,
): Promise<string[]> {
  const warnings: string[] = [];
  for (const event of events) {
    if (event.type !== 'RuleCreated' && event.type !== 'RuleUpdated') continue;
    const { instanceId, topic } = event.data.target;
    const instance = state.rocketmqInstances[instanceId];
    if (!instance) continue; // the decision already refused unknown instances
    const check = await Promise.race([
      checker.checkTopic(instance, topic),
      new Promise<TopicCheck>((resolve) =>
        setTimeout(
          () => resolve({ unreachable: `no answer within ${CHECK_TIMEOUT_MS} ms` }),
          CHECK_TIMEOUT_MS,
        ).unref(),
      ),
    ]);
    if ('unreachable' in check) {
      warnings.push(
        `topic ${topic} was not checked: RocketMQ instance ${instanceId} (${addressOf(instance)}) ` +
          `could not be reached (${check.unreachable.slice(0, 200)}); create the topic before devices connect`,
      );
    } else if (!check.exists) {
      throw RulesError.of(
        'TARGET_TOPIC_NOT_FOUND',
        'target.topic',
        'exists',
        `topic ${topic} does not exist on RocketMQ instance ${instanceId}: create it first`,
      );
    }
  }
  return warnings;
}

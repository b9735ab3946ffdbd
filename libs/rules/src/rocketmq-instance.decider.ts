import type {
  ControlPlaneContext,
  DeleteRocketmqInstance,
  RegisterRocketmqInstance,
  UpdateRocketmqInstance,
} from './control-plane.commands.js';
import type {
  RocketmqCredentials,
  RocketmqInstanceData,
  RocketmqInstanceDeleted,
  RocketmqInstanceRegistered,
  RocketmqInstanceUpdated,
} from './control-plane.events.js';
import { rulesTargeting, type ControlPlaneState, type RocketmqInstance } from './control-plane.state.js';
import { parseInput } from './input-schema.js';
import { RulesError } from './rules.errors.js';
import { ROCKETMQ_INSTANCE_INPUT, rocketmqInstanceUpdate } from './rules.schemas.js';

/**
 * The instance a body describes. The secret key is only checked for presence here: the app has encrypted it
 * into `credentials` before the command was built, and only that ciphertext reaches an event.
 */
function parseInstance(input: unknown, credentials: RocketmqCredentials | undefined, pathId?: string) {
  const schema = pathId === undefined ? ROCKETMQ_INSTANCE_INPUT : rocketmqInstanceUpdate(pathId);
  const {
    instanceId,
    region,
    endpoints,
    nameServer,
    namespace = '',
    accessKey,
    tls = false,
  } = parseInput(schema, input);
  const address = nameServer !== undefined ? { nameServer } : { endpoints: endpoints! };
  const data: RocketmqInstanceData = { instanceId, region, ...address, namespace, tls };
  return { data, credentials: accessKey !== undefined ? credentials : undefined };
}

export function registerRocketmqInstance(
  command: RegisterRocketmqInstance,
  state: ControlPlaneState,
): RocketmqInstanceRegistered[] {
  const { data, credentials } = parseInstance(command.data.input, command.data.credentials);
  if (Object.hasOwn(state.rocketmqInstances, data.instanceId)) {
    throw RulesError.of(
      'ROCKETMQ_INSTANCE_ALREADY_REGISTERED',
      'instanceId',
      'unique',
      `RocketMQ instance ${data.instanceId} is already registered`,
    );
  }
  return [{ type: 'RocketmqInstanceRegistered', data: { ...data, ...(credentials && { credentials }) } }];
}

/**
 * The address (endpoints or nameServer: a change of kind is an edit like any other), namespace, TLS and region may
 * change; credentials left out of the body are kept.
 */
export function updateRocketmqInstance(
  command: UpdateRocketmqInstance,
  state: ControlPlaneState,
  context: ControlPlaneContext,
): RocketmqInstanceUpdated[] {
  const current = existingInstance(state, command.data.instanceId);
  const parsed = parseInstance(command.data.input, command.data.credentials, current.instanceId);
  const users = rulesTargeting(state, current.instanceId);
  if (parsed.data.region !== context.region && users.length > 0) {
    throw RulesError.of(
      'REGION_MISMATCH',
      'region',
      'same-region',
      `rules ${users.map((rule) => rule.ruleId).join(', ')} send to ${current.instanceId}; it must stay in region ${context.region}`,
    );
  }
  const credentials = parsed.credentials ?? current.credentials;
  return [{ type: 'RocketmqInstanceUpdated', data: { ...parsed.data, ...(credentials && { credentials }) } }];
}

export function deleteRocketmqInstance(
  command: DeleteRocketmqInstance,
  state: ControlPlaneState,
): RocketmqInstanceDeleted[] {
  const current = existingInstance(state, command.data.instanceId);
  const users = rulesTargeting(state, current.instanceId);
  if (users.length > 0) {
    const names = users.map((rule) => rule.ruleId).join(', ');
    throw RulesError.of(
      'ROCKETMQ_INSTANCE_IN_USE',
      'instanceId',
      'unused',
      `RocketMQ instance ${current.instanceId} is the target of rules ${names}: delete or retarget them first`,
    );
  }
  return [{ type: 'RocketmqInstanceDeleted', data: { instanceId: current.instanceId } }];
}

/** The RocketMQ instance, or a ROCKETMQ_INSTANCE_NOT_FOUND refusal. */
export function existingInstance(state: ControlPlaneState, instanceId: string): RocketmqInstance {
  const instance = Object.hasOwn(state.rocketmqInstances, instanceId)
    ? state.rocketmqInstances[instanceId]
    : undefined;
  if (!instance) {
    throw RulesError.of(
      'ROCKETMQ_INSTANCE_NOT_FOUND',
      'instanceId',
      'exists',
      `RocketMQ instance ${instanceId} is not registered`,
    );
  }
  return instance;
}

import type { ControlPlaneContext, RegisterRocketmqInstance } from './control-plane.commands.js';
import type { RocketmqInstanceRegistered } from './control-plane.events.js';
import type { ControlPlaneState } from './control-plane.state.js';
import { ENDPOINTS_PATTERN, REGION_PATTERN, ROCKETMQ_INSTANCE_ID_PATTERN } from './identifiers.js';
import { RulesError } from './rules.errors.js';
import { FieldChecker, isObject } from './validation.js';

const FIELDS = ['instanceId', 'region', 'endpoints', 'namespace', 'accessKey', 'secretKey', 'tls'] as const;

export function registerRocketmqInstance(
  command: RegisterRocketmqInstance,
  state: ControlPlaneState,
  _context: ControlPlaneContext,
): RocketmqInstanceRegistered[] {
  const { input, credentials } = command.data;
  if (!isObject(input))
    throw RulesError.of('VALIDATION_FAILED', '', 'type', 'the body must be a JSON object');
  const check = new FieldChecker();
  check.noUnknownFields(input, FIELDS);
  const instanceId = check.string(input, 'instanceId');
  check.pattern(instanceId, 'instanceId', ROCKETMQ_INSTANCE_ID_PATTERN, '3–64 characters of [A-Za-z0-9_-]');
  const region = check.string(input, 'region');
  check.pattern(region, 'region', REGION_PATTERN, '1–64 characters of [A-Za-z0-9_-]');
  const endpoints = check.string(input, 'endpoints');
  check.pattern(endpoints, 'endpoints', ENDPOINTS_PATTERN, 'the gRPC proxy address host:port');
  const namespace = check.string(input, 'namespace', 'namespace', true) ?? '';
  check.maxLength(namespace, 'namespace', 64);
  const accessKey = check.string(input, 'accessKey', 'accessKey', true);
  const secretKey = check.string(input, 'secretKey', 'secretKey', true);
  if ((accessKey === undefined) !== (secretKey === undefined)) {
    const missing = accessKey === undefined ? 'accessKey' : 'secretKey';
    check.fail(missing, 'required', 'accessKey and secretKey go together: give both or neither');
  }
  const tls = check.boolean(input, 'tls') ?? false;
  if (check.violations.length > 0 || !instanceId || !region || !endpoints) {
    throw new RulesError('VALIDATION_FAILED', check.violations);
  }
  if (Object.hasOwn(state.rocketmqInstances, instanceId)) {
    throw RulesError.of(
      'ROCKETMQ_INSTANCE_ALREADY_REGISTERED',
      'instanceId',
      'unique',
      `RocketMQ instance ${instanceId} is already registered`,
    );
  }
  return [
    {
      type: 'RocketmqInstanceRegistered',
      data: { instanceId, region, endpoints, namespace, tls, ...(credentials && { credentials }) },
    },
  ];
}

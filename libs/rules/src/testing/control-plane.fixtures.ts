import {
  decideControlPlane,
  evolveControlPlane,
  initialControlPlaneState,
  RulesError,
  type ControlPlaneCommand,
  type ControlPlaneEvent,
  type ControlPlaneState,
} from '../index.js';

/** Given/when/then over the control plane decider: plain data in, events or a refusal out. */
export const context = { mqttInstanceId: 'mqtt-local', region: 'local', maxRulesPerInstance: 3 };

export function given(...events: ControlPlaneEvent[]): ControlPlaneState {
  return events.reduce(
    (state, event, i) => evolveControlPlane(state, event, { streamVersion: i + 1, occurredAt: 1000 + i }),
    initialControlPlaneState(),
  );
}

export function when(state: ControlPlaneState, command: ControlPlaneCommand): ControlPlaneEvent[] {
  return decideControlPlane(command, state, context);
}

export function refusal(state: ControlPlaneState, command: ControlPlaneCommand): RulesError {
  try {
    decideControlPlane(command, state, context);
  } catch (error) {
    if (error instanceof RulesError) return error;
    throw error;
  }
  throw new Error('the command was accepted');
}

export const group = (groupId: string): ControlPlaneEvent => ({ type: 'GroupRegistered', data: { groupId } });

export const instance = (instanceId: string, region = 'local'): ControlPlaneEvent => ({
  type: 'RocketmqInstanceRegistered',
  data: { instanceId, region, endpoints: '127.0.0.1:8081', namespace: '', tls: false },
});

export const ruleBody = (
  ruleId: string,
  groupId = 'GID_devices',
  overrides: Record<string, unknown> = {},
) => ({
  ruleId,
  status: 'ENABLED',
  ruleType: 'CLIENT_STATUS_NOTIFY',
  source: { groupId },
  target: { serviceType: 'ROCKETMQ', instanceId: 'rmq-1', topic: 'device-status' },
  ...overrides,
});

export const createRule = (input: unknown): ControlPlaneCommand => ({ type: 'CreateRule', data: { input } });

export function worldEvents(): ControlPlaneEvent[] {
  return [group('GID_devices'), group('GID_sensors'), group('GID_meters'), instance('rmq-1')];
}

export function ruleCreated(ruleId: string, groupId: string, status = 'ENABLED'): ControlPlaneEvent {
  return { type: 'RuleCreated', data: ruleBody(ruleId, groupId, { status }) } as ControlPlaneEvent;
}

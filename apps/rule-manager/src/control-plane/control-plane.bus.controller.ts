import { randomUUID } from 'node:crypto';
import { Controller, Inject } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { BUS_PATTERNS, CredentialsCipher } from '#libs/platform';
import { existingRule, RulesError, type ControlPlaneCommand } from '#libs/rules';
import {
  groupRepresentation,
  rocketmqInstanceRepresentation,
  ruleRepresentation,
} from '../http/representations.js';
import { ChangeControlPlane } from './change-control-plane.command.js';
import { ReadControlPlane } from '../read-model/read-control-plane.query.js';
import { problemFor } from './rules-problem.js';
import { sealCredentials } from './seal-credentials.js';

const COMMAND_TYPES = new Set<ControlPlaneCommand['type']>([
  'RegisterGroup',
  'UpdateGroup',
  'DeleteGroup',
  'RegisterRocketmqInstance',
  'UpdateRocketmqInstance',
  'DeleteRocketmqInstance',
  'SetTopicPermissions',
  'RemoveTopicPermissions',
  'CreateRule',
  'UpdateRule',
  'EnableRule',
  'DisableRule',
  'DeleteRule',
]);

interface CommandMessage {
  command?: { type?: string; data?: Record<string, unknown> };
  actor?: unknown;
  correlationId?: unknown;
}

/**
 * The control plane's commands and queries for other services and scripts, over the bus (TCP or NATS). The bus
 * is internal to the deployment: callers name themselves as `actor`, which every event records. Refusals are
 * answered, not thrown, as the same problem the HTTP API gives.
 */
@Controller()
export class ControlPlaneBusController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly queryBus: QueryBus,
    @Inject(CredentialsCipher) private readonly cipher: CredentialsCipher,
  ) {}

  @MessagePattern(BUS_PATTERNS.controlPlaneCommand)
  async command(@Payload() message: CommandMessage) {
    try {
      const command = this.toCommand(message);
      const actor = message.actor as string;
      const correlationId = typeof message.correlationId === 'string' ? message.correlationId : randomUUID();
      const change = await this.commandBus.execute(new ChangeControlPlane(command, { actor, correlationId }));
      return { ok: true, events: change.events, version: change.state.version, warnings: change.warnings };
    } catch (error) {
      if (error instanceof RulesError) return { ok: false, problem: problemFor(error) };
      throw error;
    }
  }

  @MessagePattern(BUS_PATTERNS.controlPlane)
  async controlPlane() {
    const state = await this.queryBus.execute(new ReadControlPlane());
    return {
      version: state.version,
      rules: Object.values(state.rules).map(ruleRepresentation),
      groups: Object.values(state.groups).map(groupRepresentation),
      rocketmqInstances: Object.values(state.rocketmqInstances).map(rocketmqInstanceRepresentation),
    };
  }

  @MessagePattern(BUS_PATTERNS.rule)
  async rule(@Payload() message: { ruleId?: unknown }) {
    try {
      const state = await this.queryBus.execute(new ReadControlPlane());
      return { ok: true, rule: ruleRepresentation(existingRule(state, String(message?.ruleId))) };
    } catch (error) {
      if (error instanceof RulesError) return { ok: false, problem: problemFor(error) };
      throw error;
    }
  }

  private toCommand(message: CommandMessage): ControlPlaneCommand {
    const type = message?.command?.type;
    if (typeof type !== 'string' || !COMMAND_TYPES.has(type as ControlPlaneCommand['type'])) {
      throw RulesError.of(
        'VALIDATION_FAILED',
        'command.type',
        'enum',
        `command.type must be one of ${[...COMMAND_TYPES].join(', ')}`,
      );
    }
    if (typeof message.actor !== 'string' || !/^[\w.:@-]{1,64}$/.test(message.actor)) {
      throw RulesError.of(
        'VALIDATION_FAILED',
        'actor',
        'pattern',
        'actor must name the caller: 1–64 of [A-Za-z0-9_.:@-]',
      );
    }
    const data = message.command?.data ?? {};
    const isInstance = type === 'RegisterRocketmqInstance' || type === 'UpdateRocketmqInstance';
    return {
      type,
      data: { ...data, ...(isInstance && sealCredentials(this.cipher, data['input'])) },
    } as ControlPlaneCommand;
  }
}

import { randomUUID } from 'node:crypto';
import { Controller, Inject } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { MessagePattern, Payload } from '@nestjs/microservices';
import * as z from 'zod';
import { CredentialsCipher } from '#libs/credentials';
import { BUS_PATTERNS, busActorOf, RULE_QUERY_MESSAGE } from '#libs/platform';
import { existingRule, RulesError, type ControlPlaneCommand } from '#libs/rules';
import {
  groupRepresentation,
  rocketmqInstanceRepresentation,
  ruleRepresentation,
} from '../http/representations.js';
import { ChangeControlPlane } from './change-control-plane.command.js';
import { parseParams } from '../http/query-params.js';
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

const bare = (rule: string, message: string) => ({ error: message, params: { rule, bare: true } });

/** Checked in this order, the first broken rule answered; `data` is the command's and its decider checks it. */
const COMMAND_MESSAGE = z.object({
  command: z.object({
    type: z.custom<ControlPlaneCommand['type']>(
      (type) => COMMAND_TYPES.has(type as ControlPlaneCommand['type']),
      bare('enum', `command.type must be one of ${[...COMMAND_TYPES].join(', ')}`),
    ),
    data: z.custom<Record<string, unknown>>(),
  }),
  correlationId: z.string().optional().catch(undefined),
});

/** A message without a command still gets its `command.type` named, as the leaf a caller must fix. */
function commandMessage(message: unknown): unknown {
  const { command, correlationId } = (message ?? {}) as Record<string, any>;
  return { command: { type: command?.type, data: command?.data ?? {} }, correlationId };
}

/**
 * The control plane's commands and queries for other services and scripts, over the bus (TCP or NATS). Every
 * event records as actor the caller its BUS_SECRET proof names (`bus:<caller>`), never an `actor` the message
 * claims. Refusals are answered, not thrown, as the same problem the HTTP API gives.
 */
@Controller()
export class ControlPlaneBusController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly queryBus: QueryBus,
    @Inject(CredentialsCipher) private readonly cipher: CredentialsCipher,
  ) {}

  @MessagePattern(BUS_PATTERNS.controlPlaneCommand)
  async command(@Payload() message: unknown) {
    try {
      const parsed = parseParams(COMMAND_MESSAGE, commandMessage(message));
      const command = this.toCommand(parsed.command);
      const { correlationId = randomUUID() } = parsed;
      const actor = busActorOf(message);
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
  async rule(@Payload() message: unknown) {
    try {
      const { ruleId } = RULE_QUERY_MESSAGE.parse(message);
      const state = await this.queryBus.execute(new ReadControlPlane());
      return { ok: true, rule: ruleRepresentation(existingRule(state, ruleId)) };
    } catch (error) {
      if (error instanceof RulesError) return { ok: false, problem: problemFor(error) };
      throw error;
    }
  }

  private toCommand({ type, data }: z.output<typeof COMMAND_MESSAGE>['command']): ControlPlaneCommand {
    const isInstance = type === 'RegisterRocketmqInstance' || type === 'UpdateRocketmqInstance';
    return {
      type,
      data: { ...data, ...(isInstance && sealCredentials(this.cipher, data['input'])) },
    } as ControlPlaneCommand;
  }
}

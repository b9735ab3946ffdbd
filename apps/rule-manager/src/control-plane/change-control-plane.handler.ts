import { setTimeout as sleep } from 'node:timers/promises';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { newEventId, WrongExpectedVersionError, type NewEvent } from '#libs/event-store';
import { APP_CONFIG, type AppConfig } from '#libs/platform';
import { decideControlPlane, type ControlPlaneContext } from '#libs/rules';
import { ControlPlaneProjector } from '../read-model/control-plane.projector.js';
import { ChangeControlPlane, type ControlPlaneChange } from './change-control-plane.command.js';
import { checkTargetTopics, TOPIC_CHECKER, type TopicChecker } from './target-topic.check.js';
import { ControlPlaneRepository, foldControlPlane } from './control-plane.repository.js';

/**
 * Another process's append is the only reason to retry, and each one means that process made progress, so
 * retrying cannot livelock; the bound only stops a runaway.
 */
const MAX_ATTEMPTS = 1000;

/**
 * Every control plane change: load the stream, decide, append at the version the decision was made on. A
 * concurrent change makes the append fail and the decision is made again on the new state, so the uniqueness
 * rules hold under any concurrency and a refused command writes nothing.
 */
@CommandHandler(ChangeControlPlane)
export class ChangeControlPlaneHandler implements ICommandHandler<ChangeControlPlane> {
  private readonly context: ControlPlaneContext;

  constructor(
    private readonly repository: ControlPlaneRepository,
    @Inject(TOPIC_CHECKER) private readonly topics: TopicChecker,
    private readonly readModel: ControlPlaneProjector,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.context = {
      mqttInstanceId: config.instanceId,
      region: config.region,
      maxRulesPerInstance: config.maxRulesPerInstance,
    };
  }

  /** Changes made by this process are decided one at a time; other processes are kept apart by the version. */
  private queue: Promise<unknown> = Promise.resolve();

  execute(change: ChangeControlPlane): Promise<ControlPlaneChange> {
    const run = this.queue.then(() => this.decideAndAppend(change));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async decideAndAppend({ command, context }: ChangeControlPlane): Promise<ControlPlaneChange> {
    for (let attempt = 1; ; attempt++) {
      const state = await this.repository.load();
      const events = decideControlPlane(command, state, this.context);
      const warnings = await checkTargetTopics(this.topics, events, state);
      const occurredAt = Date.now();
      const newEvents: NewEvent[] = events.map((event) => ({
        eventId: newEventId(),
        type: event.type,
        data: event.data,
        metadata: { actor: context.actor, correlationId: context.correlationId, occurredAt },
      }));
      try {
        const expected = state.version === 0 ? 'no_stream' : state.version;
        const appended = await this.repository.store.append(this.repository.stream, newEvents, expected);
        // The caller's next read (GET after POST) sees the change: wait for the read model to include it.
        if (newEvents.length > 0) await this.readModel.caughtUpTo(appended.position);
      } catch (error) {
        if (error instanceof WrongExpectedVersionError && attempt < MAX_ATTEMPTS) {
          await sleep(Math.random() * Math.min(50, attempt * 2)); // spread the retries of the two sides
          continue;
        }
        throw error;
      }
      const stored = newEvents.map((event, i) => ({
        ...event,
        position: 0,
        stream: this.repository.stream,
        version: state.version + i + 1,
      }));
      return { events, state: foldControlPlane(stored, state), warnings };
    }
  }
}

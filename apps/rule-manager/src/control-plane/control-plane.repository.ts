import { Inject, Injectable } from '@nestjs/common';
import type { EventLog, RecordedEvent } from '#libs/event-store';
import { APP_CONFIG, EVENT_STORE, type AppConfig } from '#libs/platform';
import {
  controlPlaneStream,
  evolveControlPlane,
  initialControlPlaneState,
  isControlPlaneEvent,
  type AuditedEvent,
  type ControlPlaneState,
} from '#libs/rules';

/** Rule state is rebuilt from the events of the control plane stream: there is no other copy to drift. */
export function foldControlPlane(
  events: RecordedEvent[],
  state = initialControlPlaneState(),
): ControlPlaneState {
  return events.reduce(
    (current, event) =>
      isControlPlaneEvent(event)
        ? evolveControlPlane(current, event, {
            streamVersion: event.version,
            occurredAt: event.metadata.occurredAt,
          })
        : current,
    state,
  );
}

@Injectable()
export class ControlPlaneRepository {
  readonly stream: string;

  constructor(
    @Inject(EVENT_STORE) readonly store: EventLog,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.stream = controlPlaneStream(config.instanceId);
  }

  async load(): Promise<ControlPlaneState> {
    return foldControlPlane(await this.store.readStream(this.stream));
  }

  /** The stream's events with who caused them, for the histories. */
  async audited(): Promise<AuditedEvent[]> {
    const stored = await this.store.readStream(this.stream);
    return stored.filter(isControlPlaneEvent).map((event) => ({
      event,
      at: { streamVersion: event.version, occurredAt: event.metadata.occurredAt },
      actor: event.metadata.actor,
      ...(event.metadata.correlationId !== undefined && { correlationId: event.metadata.correlationId }),
    }));
  }
}

import {
  catchUpProjection,
  ProjectionConflictError,
  type EventStore,
  type JsonObject,
  type LogBatch,
  type Projection,
  type ReadAllFilter,
  type RecordedEvent,
} from '#libs/event-store';
import {
  DELIVERY_STREAM_PREFIX,
  emptyDeliveryCounters,
  evolveDeliveryCounters,
  REDELIVERY_STREAM_PREFIX,
  routeLoggedEvent,
  type DeliveryCounters,
  type DeliveryFact,
  type NotificationDeadLetteredData,
  type RedriveRequestedData,
} from '#libs/notifications';
import { CLIENT_STREAM_PREFIX, isPresenceEventType } from '#libs/presence';
import { ControlPlaneAtPosition, controlPlaneStream } from '#libs/rules';

export const DELIVERY_STATS_PROJECTION = 'delivery.stats';
export const DELIVERY_STATS_COLLECTIONS = {
  /** One document per rule: its DeliveryCounters. */
  counters: 'delivery.counters',
  /** One document per dead letter, keyed by its ID `<ruleId>:<outcome event ID>` (a rule's are one key range). */
  deadLetters: 'delivery.dead-letters',
} as const;

export interface DeadLetterDocument extends NotificationDeadLetteredData {
  deadLetterId: string;
  deadLetteredAt: number;
  redrive?: { redriveId: string; requestedAt: number; requestedBy: string };
}

const BATCH = 5_000;

/**
 * Per-rule delivery counters and the dead letters, for the API and the console. `matched` routes each presence
 * event by the rules as of its position, exactly as dispatch does, so the counters add up whatever dispatch's
 * progress; outcomes, replays and redrives come from the delivery and redelivery streams.
 */
export class DeliveryStatsProjection implements Projection {
  readonly name = DELIVERY_STATS_PROJECTION;
  readonly filter: ReadAllFilter;
  readonly batchSize = BATCH;
  private readonly controlStream: string;
  /** The rules as of `rulesAt`, kept between batches; refolded when another runner moved the checkpoint. */
  private rules: ControlPlaneAtPosition;
  private rulesAt = -1;

  constructor(
    private readonly store: EventStore,
    mqttInstanceId: string,
  ) {
    this.controlStream = controlPlaneStream(mqttInstanceId);
    this.rules = new ControlPlaneAtPosition(this.controlStream);
    const prefixes = [
      this.controlStream,
      CLIENT_STREAM_PREFIX,
      DELIVERY_STREAM_PREFIX,
      REDELIVERY_STREAM_PREFIX,
    ];
    this.filter = { streamPrefixes: prefixes };
  }

  /** Drops the counters and dead letters and projects every stored event again (`npm run projections:rebuild`). */
  async rebuild(): Promise<void> {
    await this.store.resetProjection(DELIVERY_STATS_PROJECTION, Object.values(DELIVERY_STATS_COLLECTIONS));
    this.rulesAt = -1;
    await catchUpProjection(this.store, this);
  }

  async project({ events, after, through }: LogBatch): Promise<void | 'restart'> {
    if (this.rulesAt !== after) {
      const control = await this.store.readStream(this.controlStream);
      this.rules = ControlPlaneAtPosition.upTo(this.controlStream, control, after);
    }
    // Applied to a copy: kept only when the batch commits.
    const rules = this.rules.copy();
    const changes = await this.changesFor(events, rules);
    try {
      await this.store.commitProjection(DELIVERY_STATS_PROJECTION, through, changes, after);
    } catch (error) {
      this.rulesAt = -1;
      if (error instanceof ProjectionConflictError) return 'restart';
      throw error;
    }
    [this.rules, this.rulesAt] = [rules, through];
  }

  private async changesFor(events: RecordedEvent[], rules: ControlPlaneAtPosition) {
    const facts: { ruleId: string; fact: DeliveryFact }[] = [];
    const deadLetters = new Map<string, DeadLetterDocument>();
    const redrives: { deadLetterId: string; redrive: NonNullable<DeadLetterDocument['redrive']> }[] = [];
    for (const event of events) {
      const at = event.metadata.occurredAt;
      for (const { ruleId } of routeLoggedEvent(event, rules))
        facts.push({ ruleId, fact: { type: 'NotificationMatched', at } });
      if (isPresenceEventType(event.type)) continue;
      const fact = { type: event.type, data: event.data, at } as DeliveryFact;
      switch (fact.type) {
        case 'NotificationDeadLettered': {
          const deadLetterId = `${fact.data.ruleId}:${event.eventId}`;
          deadLetters.set(deadLetterId, { ...fact.data, deadLetterId, deadLetteredAt: at });
          break;
        }
        case 'RedriveRequested': {
          const { deadLetterId, redriveId } = fact.data as RedriveRequestedData;
          redrives.push({
            deadLetterId,
            redrive: { redriveId, requestedAt: at, requestedBy: event.metadata.actor },
          });
          break;
        }
        case 'NotificationForwarded':
        case 'NotificationFailed':
        case 'ReplayRequested':
          break;
        default:
          continue; // control plane changes, resend requests: nothing to count
      }
      facts.push({ ruleId: fact.data.ruleId, fact });
    }
    return {
      upserts: [
        ...(await this.countersAfter(facts)),
        ...(await this.deadLettersAfter(deadLetters, redrives)),
      ],
    };
  }

  private async countersAfter(facts: { ruleId: string; fact: DeliveryFact }[]) {
    const ruleIds = [...new Set(facts.map(({ ruleId }) => ruleId))];
    const stored = await this.store.readDocumentsById(DELIVERY_STATS_COLLECTIONS.counters, ruleIds);
    const counters = new Map(stored.map(({ id, document }) => [id, document as DeliveryCounters]));
    for (const { ruleId, fact } of facts) {
      counters.set(
        ruleId,
        evolveDeliveryCounters(counters.get(ruleId) ?? emptyDeliveryCounters(ruleId), fact),
      );
    }
    return [...counters].map(([id, document]) => ({
      collection: DELIVERY_STATS_COLLECTIONS.counters,
      id,
      document: document as JsonObject,
    }));
  }

  private async deadLettersAfter(
    created: Map<string, DeadLetterDocument>,
    redrives: { deadLetterId: string; redrive: NonNullable<DeadLetterDocument['redrive']> }[],
  ) {
    const earlier = redrives.map(({ deadLetterId }) => deadLetterId).filter((id) => !created.has(id));
    for (const { id, document } of await this.store.readDocumentsById(
      DELIVERY_STATS_COLLECTIONS.deadLetters,
      earlier,
    )) {
      created.set(id, document as unknown as DeadLetterDocument);
    }
    for (const { deadLetterId, redrive } of redrives) {
      const deadLetter = created.get(deadLetterId);
      if (deadLetter) created.set(deadLetterId, { ...deadLetter, redrive });
    }
    return [...created].map(([id, document]) => ({
      collection: DELIVERY_STATS_COLLECTIONS.deadLetters,
      id,
      document: document as unknown as JsonObject,
    }));
  }
}

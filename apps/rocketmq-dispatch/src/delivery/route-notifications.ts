import { catchUpLog, type EventStore, type RecordedEvent } from '#libs/event-store';
import {
  deliveryKey,
  DELIVERY_STREAM_PREFIX,
  partitionOf,
  REDELIVERY_STREAM_PREFIX,
  routeLoggedEvent,
  SETTLING_OUTCOMES,
  type Notification,
  type NotificationRef,
  type NotificationResendRequestedData,
} from '#libs/notifications';
import { CLIENT_STREAM_PREFIX } from '#libs/presence';
import { ControlPlaneAtPosition, controlPlaneStream, type ControlPlaneState } from '#libs/rules';
import type { PartitionCheckpoints } from './partition-checkpoints.js';

/**
 * Step 2: the notifications of each event read, decided by the rules as they stood at its position (SPEC §3), for
 * the clients of the partitions this run holds. What an earlier run already settled is left out: per partition,
 * what its checkpoint covers, and the notifications whose outcome was stored after the checkpoint.
 */
export class NotificationRouter {
  /** Control plane changes move the rules on; resends requested by operators (replay, redrive) take their place. */
  readonly filter: { streamPrefixes: string[] };

  private constructor(
    controlStream: string,
    private readonly rules: ControlPlaneAtPosition,
    private readonly checkpoints: PartitionCheckpoints,
    private readonly partitions: number,
    private readonly settledEarlier: Set<string>,
  ) {
    this.filter = { streamPrefixes: [controlStream, CLIENT_STREAM_PREFIX, REDELIVERY_STREAM_PREFIX] };
  }

  static async load(
    store: EventStore,
    mqttInstanceId: string,
    checkpoints: PartitionCheckpoints,
    partitions: number,
  ): Promise<NotificationRouter> {
    const stream = controlPlaneStream(mqttInstanceId);
    const rules = ControlPlaneAtPosition.upTo(stream, await store.readStream(stream), checkpoints.lowest);
    const settled = await settledAfter(store, checkpoints, partitions);
    return new NotificationRouter(stream, rules, checkpoints, partitions, settled);
  }

  /** Deliveries an earlier run settled after the checkpoint (they are not sent again). */
  get alreadySettled(): number {
    return this.settledEarlier.size;
  }

  /** The instances' current address and credentials (an operator may have fixed them since the event). */
  get current(): ControlPlaneState {
    return this.rules.current;
  }

  route(event: RecordedEvent): Notification[] {
    const routed =
      event.type === 'NotificationResendRequested'
        ? [(event.data as NotificationResendRequestedData).notification]
        : routeLoggedEvent(event, this.rules);
    return routed.filter(
      (notification) =>
        this.isOurs(notification.event.clientId, event.position) &&
        !this.settledEarlier.delete(deliveryKey(notification)),
    );
  }

  /** The client's partition is this run's, and its checkpoint is below the event. */
  private isOurs(clientId: string, position: number): boolean {
    const partition = partitionOf(clientId, this.partitions);
    return this.checkpoints.owns(partition) && !this.checkpoints.settled(partition, position);
  }
}

/** Deliveries (see deliveryKey) of the owned partitions forwarded or dead-lettered after the lowest checkpoint. */
async function settledAfter(
  store: EventStore,
  checkpoints: PartitionCheckpoints,
  partitions: number,
): Promise<Set<string>> {
  const settled = new Set<string>();
  await catchUpLog(store, {
    name: 'outcomes stored after the checkpoint',
    from: checkpoints.lowest,
    filter: { streamPrefixes: [DELIVERY_STREAM_PREFIX], types: [...SETTLING_OUTCOMES] },
    batchSize: 5_000,
    handle: async ({ events }) => {
      for (const { data } of events) {
        const ref = data as NotificationRef;
        if (checkpoints.owns(partitionOf(ref.clientId, partitions))) settled.add(deliveryKey(ref));
      }
    },
  });
  return settled;
}

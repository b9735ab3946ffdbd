import { readArchive } from '#libs/event-archive';
import type { EventLog, RecordedEvent } from '#libs/event-store';
import { isSelectedForReplay, replayOf, routeLoggedEvent } from '#libs/notifications';
import { CLIENT_STREAM_PREFIX } from '#libs/presence';
import { ControlPlaneAtPosition, controlPlaneStream, type ControlPlaneState } from '#libs/rules';
import { ReplayOptionError, type ArchiveReplayOptions } from './archive-replay.options.js';
import type { ReplaySender } from './replay-sender.js';

/** As the API's replay scan: presence events stored late are found this far outside the range. */
const DISORDER_MS = 10 * 60_000;
const PRESENCE_CATEGORY = CLIENT_STREAM_PREFIX.slice(0, -1);

export interface ReplaySummary {
  /** Archived presence events read (the range, widened by the disorder margin). */
  read: number;
  /** Notifications the rules gave for them and the selection kept. */
  routed: number;
}

/** The MQTT instance's control plane as it stands now, and its events to route the archive by. */
export async function loadControlPlane(store: EventLog, mqttInstanceId: string) {
  const stream = controlPlaneStream(mqttInstanceId);
  const events = await store.readStream(stream);
  return { events, current: ControlPlaneAtPosition.upTo(stream, events, Infinity).current };
}

/** The rule the operator named must exist now, as for a replay through the API. */
export function checkRuleExists(current: ControlPlaneState, ruleId: string, mqttInstanceId: string): void {
  if (!Object.hasOwn(current.rules, ruleId))
    throw new ReplayOptionError(
      '--rule',
      'exists',
      `"${ruleId}" is not a rule of MQTT instance ${mqttInstanceId}`,
    );
}

/**
 * Routes the archived presence events of the range as dispatch did: each by the rules as they stood at its
 * position (the control plane is kept forever, so its events interleave with the archived ones by position), keeps
 * the notifications the selection asks for, and hands each, marked as this replay, to the sender.
 */
export async function replayArchive(
  archiveDir: string,
  controlPlane: { mqttInstanceId: string; events: RecordedEvent[] },
  options: ArchiveReplayOptions & { replayId: string },
  sender: ReplaySender,
): Promise<ReplaySummary> {
  const rules = new ControlPlaneAtPosition(controlPlaneStream(controlPlane.mqttInstanceId));
  const changes = controlPlane.events;
  let nextChange = 0;
  const summary: ReplaySummary = { read: 0, routed: 0 };
  const range = { from: options.from - DISORDER_MS, to: options.to + DISORDER_MS };
  for await (const event of readArchive(archiveDir, { ...range, categories: [PRESENCE_CATEGORY] })) {
    summary.read++;
    while (nextChange < changes.length && changes[nextChange]!.position < event.position)
      rules.apply(changes[nextChange++]!);
    for (const notification of routeLoggedEvent(event, rules)) {
      if (!isSelectedForReplay(notification, { ...options, ruleId: options.ruleId ?? notification.ruleId }))
        continue;
      summary.routed++;
      await sender.add(replayOf(notification, options.replayId, options.topic ?? notification.target.topic));
    }
  }
  await sender.flush();
  return summary;
}

import 'reflect-metadata';
import { readManifest } from '#libs/event-archive';
import { newEventId } from '#libs/event-store';
import { CredentialsCipher } from '#libs/credentials';
import { exitOnCommandFailure, loadConfig, openAppEventStore, ownerOnlyFiles } from '#libs/platform';
import { RocketmqProducers } from '#libs/rocketmq';
import { parseArchiveReplayOptions, ReplayOptionError } from './archive/archive-replay.options.js';
import { checkRuleExists, loadControlPlane, replayArchive } from './archive/archive-replay.js';
import { ReplaySender } from './archive/replay-sender.js';

const say = (line: string) => process.stdout.write(`archive:replay: ${line}\n`);

/**
 * `npm run archive:replay -- --from … --to …`: sends the archived presence events' notifications of a time range
 * (ARCHIVE_DIR, or --dir) to RocketMQ as a replay does, with the same configuration as the apps (EVENT_STORE_URL
 * for the rules, INSTANCE_ID, CREDENTIALS_KEY for the RocketMQ secrets). Nothing is recorded in the store: the
 * messages carry a new replay ID in their `replay` property and the notification IDs they first had.
 */
async function replay(): Promise<void> {
  const options = parseArchiveReplayOptions(process.argv.slice(2));
  ownerOnlyFiles();
  const config = loadConfig();
  const archiveDir = options.dir ?? config.archiveDir;
  if (archiveDir === undefined)
    throw new ReplayOptionError('--dir', 'required', 'is required when ARCHIVE_DIR is not set');
  if ((await readManifest(archiveDir)).files.length === 0)
    throw new ReplayOptionError(
      '--dir',
      'archive',
      `"${archiveDir}" holds no archive (no manifest.json files)`,
    );
  const store = await openAppEventStore(config);
  const cipher = CredentialsCipher.fromConfig(config);
  const producers = options.dryRun
    ? undefined
    : new RocketmqProducers((ciphertext) => cipher.decrypt(ciphertext), { log: say, debug: () => undefined });
  try {
    const { events, current } = await loadControlPlane(store, config.instanceId);
    if (options.ruleId !== undefined) checkRuleExists(current, options.ruleId, config.instanceId);
    const sender = new ReplaySender(producers, (id) => current.rocketmqInstances[id], config.instanceId, say);
    const replayId = newEventId();
    const started = Date.now();
    const { read, routed } = await replayArchive(
      archiveDir,
      { mqttInstanceId: config.instanceId, events },
      { ...options, replayId },
      sender,
    );
    for (const [topic, count] of sender.perTopic) say(`${count} notifications for ${topic}`);
    say(
      `read ${read} archived presence events, routed ${routed} notifications, sent ${sender.sent}, ` +
        `failed ${sender.failed}${options.dryRun ? ' (dry run: nothing sent)' : ''}; replay ${replayId}, ` +
        `${new Date(options.from).toISOString()} to ${new Date(options.to).toISOString()}, ` +
        `${options.ruleId ?? 'every rule'}, from ${archiveDir} in ${Date.now() - started} ms`,
    );
    if (sender.failed > 0) process.exitCode = 1;
  } finally {
    await producers?.shutdown();
    await store.close();
  }
}

replay().catch((error: unknown) => {
  // A bad option is the operator's to change: the line names it (exit 2), not worded as a failure.
  if (!(error instanceof ReplayOptionError)) return exitOnCommandFailure('archive:replay')(error);
  process.stderr.write(`archive:replay: ${error.message}\n`);
  return process.exit(2);
});

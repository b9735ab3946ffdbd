import { BackupRefusedError, liveLeases, openEventStore, storeExists, type Lease } from '#libs/event-store';
import { loadConfig } from '#libs/platform';

/**
 * Refuses while an app uses the store: every app holds a lease while it runs (presence-ingest its membership,
 * rocketmq-dispatch its partitions, rule-manager retention's) and gives it back on a clean stop; one that was
 * killed holds it until it expires, seconds later.
 */
export async function refuseWhileAppsRun(now = Date.now()): Promise<void> {
  const config = loadConfig();
  if (!(await storeExists(config.eventStoreUrl))) return;
  // Not openAppEventStore: it refuses an incomplete copy, which this names as the live lease it holds.
  const store = await openEventStore(config.eventStoreUrl);
  let live: Lease[];
  try {
    live = await liveLeases(store, now);
  } finally {
    await store.close();
  }
  if (live.length === 0) return;
  const held = live
    .slice(0, 5)
    .map((lease) => `${lease.name} (${lease.owner}, until ${new Date(lease.expiresAt).toISOString()})`);
  throw new BackupRefusedError(
    `the apps are running on ${store.description}: ${live.length} live lease(s): ${held.join(', ')}` +
      `${live.length > 5 ? ' …' : ''}. Stop the apps first (rule-manager, presence-ingest, rocketmq-dispatch)`,
  );
}

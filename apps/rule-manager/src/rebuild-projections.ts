import 'reflect-metadata';
import { exitOnCommandFailure, loadConfig, openAppEventStore, ownerOnlyFiles } from '#libs/platform';
import { ClientStatusProjection } from '#libs/client-status';
import { DeliveryStatsProjection } from './delivery-stats/delivery-stats.projection.js';
import { ControlPlaneProjector } from './read-model/control-plane.projector.js';

/**
 * `npm run projections:rebuild`: drops rule-manager's read models (the control plane, the clients' status, the
 * delivery counters and dead letters) and rebuilds them from the event store, with the
 * same configuration as the apps (EVENT_STORE_URL, INSTANCE_ID …). Stop rule-manager first: a running one keeps
 * following from where it was. Once retention has removed presence and delivery events, only the control plane
 * (kept forever) can be rebuilt: the others would silently lose what was removed, so they are left as they are.
 */
async function rebuild(): Promise<void> {
  ownerOnlyFiles();
  const config = loadConfig();
  const store = await openAppEventStore(config);
  try {
    const started = Date.now();
    const { events, position } = await new ControlPlaneProjector(store, config).rebuild();
    process.stdout.write(
      `projections:rebuild: control plane read model of ${config.instanceId} rebuilt from ${events} events ` +
        `(up to position ${position}) in ${Date.now() - started} ms, store ${store.description}\n`,
    );
    const horizon = await store.retentionHorizon();
    if (horizon > 0) {
      process.stderr.write(pastRetention(horizon));
      process.exitCode = 1;
      return;
    }
    for (const [what, projection] of [
      ['client status', new ClientStatusProjection(store)],
      ['delivery counters and dead letters', new DeliveryStatsProjection(store, config.instanceId)],
    ] as const) {
      const began = Date.now();
      await projection.rebuild();
      process.stdout.write(`projections:rebuild: ${what} rebuilt in ${Date.now() - began} ms\n`);
    }
  } finally {
    await store.close();
  }
}

const pastRetention = (horizon: number) =>
  `projections:rebuild: the control plane was rebuilt, but the client status and the delivery counters and ` +
  `dead letters were NOT: ` +
  `retention (EVENT_RETENTION) removed the presence and delivery events up to position ${horizon}, so a rebuild ` +
  `would lose the state they built. Those read models are documents and stay exact as they are. To rebuild them ` +
  `anyway, restore a backup taken before the removal (npm run restore) into a separate store and rebuild there\n`;

rebuild().catch(exitOnCommandFailure('projections:rebuild'));

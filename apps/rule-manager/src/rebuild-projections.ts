import 'reflect-metadata';
import { exitOnStartupFailure, loadConfig, openAppEventStore } from '#libs/platform';
import { ControlPlaneProjector } from './read-model/control-plane.projector.js';

/**
 * `npm run projections:rebuild`: drops rule-manager's read model and rebuilds it from the event store, with the
 * same configuration as the apps (EVENT_STORE_URL, INSTANCE_ID …). Stop rule-manager first: a running one keeps
 * following from where it was.
 */
async function rebuild(): Promise<void> {
  const config = loadConfig();
  const store = await openAppEventStore(config);
  try {
    const started = Date.now();
    const { events, position } = await new ControlPlaneProjector(store, config).rebuild();
    process.stdout.write(
      `projections:rebuild: control plane read model of ${config.instanceId} rebuilt from ${events} events ` +
        `(up to position ${position}) in ${Date.now() - started} ms, store ${store.description}\n`,
    );
  } finally {
    await store.close();
  }
}

rebuild().catch(exitOnStartupFailure('projections:rebuild'));

import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import {
  AppMetrics,
  createBusApp,
  describeBus,
  exitOnStartupFailure,
  listenForMetrics,
  listenOn,
  listenOnBus,
  loadConfig,
  onShutdownSignal,
  openAppEventStore,
  ownerOnlyFiles,
  StoreErrors,
  type AppConfig,
  watchStorage,
} from '#libs/platform';
import { configuredListeners } from './broker/listeners.js';
import { MqttBroker } from './broker/mqtt-broker.js';
import { RestartReconciliation } from './client-status/restart-reconciliation.js';
import { PresenceIngestModule } from './presence-ingest.module.js';
import { PresenceRecorder } from './recording/presence-recorder.js';
import { ControlPlaneView } from './control-plane/control-plane.view.js';
import { RemoteTakeovers } from './nodes/remote-takeovers.js';
import { PresenceMetrics } from './metrics/presence-metrics.js';
import { keepServingOnStrayErrors } from './stray-errors.js';

const APP = 'presence-ingest';

/*
 * The way of an MQTT connection to the store, one file a step:
 *   broker/listeners.ts             TCP, TLS and WebSocket listeners; the connection guard before any TLS or HTTP
 *   broker/mqtt-broker.ts           the aedes adapter: translates its hooks and events into observations
 *     1. admit                      broker/client-admission.ts, device-access.ts: client ID, group, credentials
 *     2. decide                     decideChannel (libs/presence, pure): the channel's presence events (SPEC §4)
 *     3. append                     recording/presence-recorder.ts: group commit to the client's stream
 * Followers of the log: control-plane/control-plane.view.ts (groups, credentials) and nodes/remote-takeovers.ts.
 */

async function bootstrap(): Promise<void> {
  ownerOnlyFiles();
  const config = loadConfig();
  // On SQLite, batches are written and fsynced on a worker thread: the broker's event loop never waits on the
  // disk during a connect storm (PostgreSQL appends are already asynchronous).
  const storeErrors = new StoreErrors();
  const store = await openAppEventStore(config, { appendThread: {} }, storeErrors);
  const bus = describeBus(config.busUrl, APP);
  const app = await createBusApp(APP, PresenceIngestModule.create(config, store), config);
  await app.get(ControlPlaneView).start();
  // Before the first connection: what the previous run left open is closed, so nobody stays online forever.
  await app.get(RestartReconciliation).closeChannelsLeftOpen(Date.now());
  const broker = app.get(MqttBroker);
  await broker.start();
  // Before the first connection: a client taken over from another node is seen from then on.
  const nodes = app.get(RemoteTakeovers);
  await nodes.start();
  const listeners = configuredListeners(config);
  for (const listener of listeners)
    await listenOn(listener.variable, listener.port, () => broker.listen(listener));
  await listenOnBus(config.busUrl, APP, () => app.listen());
  watchStorage(app.get(AppMetrics), config, storeErrors);
  const metrics = await listenForMetrics(APP, config, app.get(AppMetrics));
  const logger = new Logger(APP);
  keepServingOnStrayErrors(logger, app.get(PresenceMetrics));
  logger.log(
    `MQTT broker of instance ${config.instanceId} on ${listeners.map((l) => l.url).join(', ')} ` +
      `(MQTT 3.1, 3.1.1 and 5.0; clients <GroupID>@@@<DeviceID> of registered groups; anonymous ${config.mqttAllowAnonymous ? 'allowed' : 'refused'}; ` +
      `limits ${describeLimits(config.mqttLimits)}), ` +
      `node ${nodes.node}, bus ${bus}, ${metrics.description}, store ${store.description}`,
  );
  onShutdownSignal(APP, async (signal) => {
    logger.log(`${signal}: closing client connections and storing their last events`);
    await nodes.stop();
    await broker.close();
    await app.get(PresenceRecorder).drain();
    await metrics.close();
    await app.close();
    await store.close();
  });
}

function describeLimits(limits: AppConfig['mqttLimits']): string {
  const rate = limits.connectRatePerAddress || 'unlimited';
  return (
    `packets ≤ ${limits.maxPacketSize} B, ≤ ${limits.maxConnections} connections, ${rate} connects/s per address, ` +
    `keepalive ≤ ${limits.maxKeepaliveSeconds} s, CONNECT within ${limits.connectTimeoutMs} ms`
  );
}

bootstrap().catch(exitOnStartupFailure(APP));

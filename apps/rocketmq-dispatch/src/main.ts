import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import {
  AppMetrics,
  createBusApp,
  describeBus,
  exitOnStartupFailure,
  listenForMetrics,
  listenOnBus,
  loadConfig,
  onShutdownSignal,
  openAppEventStore,
  ownerOnlyFiles,
  StoreErrors,
  watchStorage,
} from '#libs/platform';
import { PartitionLeases } from './partitions/partition-leases.js';
import { RocketmqDispatchModule } from './rocketmq-dispatch.module.js';

const APP = 'rocketmq-dispatch';

/*
 * The way of a stored event to RocketMQ, one file a step:
 *   partitions/partition-leases.ts   which clients' partitions this dispatcher holds; starts a run over them
 *   delivery/delivery-run.ts          the run, which reads in this order:
 *     1. follow the log               followLog (libs/event-store) from the partitions' lowest checkpoint
 *     2. route                        delivery/route-notifications.ts: the rules as of the event's position
 *     3. lanes per client             DeliveryLanes (libs/notifications): per-client order, bounded read-ahead
 *     4. send                         delivery/notification-sender.ts → send-thread.ts → send-runs.ts
 *     5. decide the outcome           decideDelivery (libs/notifications): forwarded, retry, dead-lettered
 *     6. append                       delivery/outcome-recorder.ts: group commit to the delivery streams
 *     7. checkpoint                   delivery/partition-checkpoints.ts: past what every lane has settled
 */

async function bootstrap(): Promise<void> {
  ownerOnlyFiles();
  const config = loadConfig();
  // On SQLite the outcomes are written on a worker thread: a WAL checkpoint never stalls reading and sending.
  const storeErrors = new StoreErrors();
  const store = await openAppEventStore(config, { appendThread: {} }, storeErrors);
  const bus = describeBus(config.busUrl, APP);
  const app = await createBusApp(APP, RocketmqDispatchModule.create(config, store), config);
  await listenOnBus(config.busUrl, APP, () => app.listen());
  // Before the pipeline starts: a taken port stops the app before anything is sent.
  watchStorage(app.get(AppMetrics), config, storeErrors);
  const metrics = await listenForMetrics(APP, config, app.get(AppMetrics));
  const partitions = app.get(PartitionLeases);
  await partitions.start();
  const logger = new Logger(APP);
  logger.log(
    `forwarding client status events of MQTT instance ${config.instanceId} to the rules' RocketMQ topics, ` +
      `node ${partitions.owner}, bus ${bus}, ${metrics.description}, store ${store.description}`,
  );
  onShutdownSignal(APP, async (signal) => {
    logger.log(`${signal}: finishing the sends in flight and storing their outcomes`);
    await partitions.stop();
    await metrics.close();
    await app.close();
    await store.close();
  });
}

bootstrap().catch(exitOnStartupFailure(APP));

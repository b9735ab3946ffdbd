import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import {
  AppMetrics,
  describeBus,
  createBusApp,
  exitOnStartupFailure,
  listenForMetrics,
  listenOnBus,
  loadConfig,
  onShutdownSignal,
  openAppEventStore,
} from '#libs/platform';
import { PartitionLeases } from './partitions/partition-leases.js';
import { RocketmqDispatchModule } from './rocketmq-dispatch.module.js';

const APP = 'rocketmq-dispatch';

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  const store = await openAppEventStore(config);
  const bus = describeBus(config.busUrl, APP);
  const app = await createBusApp(APP, RocketmqDispatchModule.create(config, store), config);
  await listenOnBus(config.busUrl, APP, () => app.listen());
  // Before the pipeline starts: a taken port stops the app before anything is sent.
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

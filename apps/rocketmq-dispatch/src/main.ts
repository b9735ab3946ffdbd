import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { openEventStore } from '#libs/event-store';
import {
  describeBus,
  createBusApp,
  exitOnStartupFailure,
  listenOnBus,
  loadConfig,
  onShutdownSignal,
} from '#libs/platform';
import { PresenceForwarder } from './forwarding/presence-forwarder.js';
import { RocketmqDispatchModule } from './rocketmq-dispatch.module.js';

const APP = 'rocketmq-dispatch';

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  const store = await openEventStore(config.eventStoreUrl);
  const bus = describeBus(config.busUrl, APP);
  const app = await createBusApp(APP, RocketmqDispatchModule.create(config, store), config);
  await listenOnBus(config.busUrl, APP, () => app.listen());
  const forwarder = app.get(PresenceForwarder);
  await forwarder.start();
  const logger = new Logger(APP);
  logger.log(
    `forwarding client status events of MQTT instance ${config.instanceId} to the rules' RocketMQ topics, ` +
      `bus ${bus}, store ${store.description}`,
  );
  onShutdownSignal(APP, async (signal) => {
    logger.log(`${signal}: finishing the notification in flight`);
    await forwarder.stop();
    await app.close();
    await store.close();
  });
}

bootstrap().catch(exitOnStartupFailure(APP));

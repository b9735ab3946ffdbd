import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { openEventStore } from '#libs/event-store';
import {
  busServerOptions,
  createAppLogger,
  describeBus,
  exitOnStartupFailure,
  listenOn,
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
  const app = await NestFactory.createMicroservice(RocketmqDispatchModule.create(config, store), {
    ...busServerOptions(config.busUrl, APP),
    abortOnError: false,
    logger: createAppLogger(APP),
  });
  await listenOn('BUS_URL', Number(new URL(bus).port), () => app.listen());
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

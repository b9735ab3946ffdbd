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
} from '#libs/platform';
import { RuleManagerModule } from './rule-manager.module.js';

const APP = 'rule-manager';

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  const store = await openEventStore(config.eventStoreUrl);
  const app = await NestFactory.create(RuleManagerModule.create(config, store), {
    abortOnError: false,
    logger: createAppLogger(APP),
  });
  app.enableShutdownHooks();
  app.connectMicroservice(busServerOptions(config.busUrl, APP));
  const bus = describeBus(config.busUrl, APP);
  await listenOn('BUS_URL', Number(new URL(bus).port), () => app.startAllMicroservices());
  await listenOn('HTTP_PORT', config.httpPort, () => app.listen(config.httpPort));
  app.getHttpServer().once('close', () => void store.close());
  new Logger(APP).log(
    `control plane of MQTT instance ${config.instanceId} (region ${config.region}): ` +
      `HTTP on http://localhost:${config.httpPort} (API /api/v1, health /health), bus ${bus}, ` +
      `store ${store.description}`,
  );
}

bootstrap().catch(exitOnStartupFailure(APP));

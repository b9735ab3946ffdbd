import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import {
  AppMetrics,
  busServerOptions,
  createAppLogger,
  describeBus,
  exitOnStartupFailure,
  listenOn,
  listenOnBus,
  loadConfig,
  openAppEventStore,
  ownerOnlyFiles,
  StoreErrors,
  watchStorage,
} from '#libs/platform';
import { resolveApiTokens } from './access/stored-admin-token.js';
import { serveConsole } from './console/serve-console.js';
import { hardenHttp } from './http/http-hardening.js';
import { setupOpenApi } from './http/openapi.js';
import { GrpcApi } from './grpc/grpc-api.js';
import { RuleManagerModule } from './rule-manager.module.js';

const APP = 'rule-manager';

/*
 * Writers, one folder per use case (create-rule/, edit-rule/, groups/ …): an HTTP or bus controller translates the
 * request into a command → control-plane/change-control-plane.handler.ts loads the stream, decides (libs/rules,
 * pure) and appends at the version it decided on; replay/ and dead-letters/ do the same with the redelivery decider
 * (libs/notifications). Readers: read-model/ and delivery-stats/ follow the log (followLog) into read models,
 * which the controllers read through each read model's queries.
 */

async function bootstrap(): Promise<void> {
  ownerOnlyFiles();
  const config = loadConfig();
  const access = resolveApiTokens(config);
  const storeErrors = new StoreErrors();
  const store = await openAppEventStore(config, {}, storeErrors);
  const app = await NestFactory.create<NestExpressApplication>(
    RuleManagerModule.create(config, store, access.tokens),
    {
      abortOnError: false,
      logger: createAppLogger(APP),
    },
  );
  app.enableShutdownHooks();
  watchStorage(app.get(AppMetrics), config, storeErrors);
  hardenHttp(app);
  setupOpenApi(app);
  serveConsole(app);
  app.connectMicroservice(busServerOptions(config, APP));
  const bus = describeBus(config.busUrl, APP);
  await listenOnBus(config.busUrl, APP, () => app.startAllMicroservices());
  await listenOn('HTTP_PORT', config.httpPort, () => app.listen(config.httpPort));
  const grpc = await listenOn('GRPC_PORT', config.grpcPort, () => app.get(GrpcApi).listen());
  app.getHttpServer().once('close', () => void store.close());
  const logger = new Logger(APP);
  logger.log(
    `control plane of MQTT instance ${config.instanceId} (region ${config.region}): ` +
      `HTTP on http://localhost:${config.httpPort} (console /, API /api/v1, docs /api/docs, health /health, metrics /metrics), ` +
      `gRPC on ${grpc} (mqtt_status_relay.v1, health, reflection), bus ${bus}, ` +
      `store ${store.description}, API tokens from ${access.source}`,
  );
  if (access.generated) {
    // The secret stays in the file (mode 600): logs are shipped and kept where a token must not be.
    logger.warn(
      `no API_TOKENS configured: generated an admin token into ${access.source} (mode 600); ` +
        `use it as "Authorization: Bearer $(cut -d: -f3 ${access.source})"`,
    );
  }
}

bootstrap().catch(exitOnStartupFailure(APP));

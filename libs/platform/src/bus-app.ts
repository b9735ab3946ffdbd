import type { DynamicModule, INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createAppLogger } from './app-logger.js';
import { busPort, busServerOptions, type BusApp } from './bus.js';
import type { AppConfig } from './config.js';
import { listenOn } from './startup.js';

/** An app without HTTP: a Nest microservice whose only listener is its bus address. */
export function createBusApp(
  app: BusApp,
  module: DynamicModule,
  config: AppConfig,
): Promise<INestMicroservice> {
  return NestFactory.createMicroservice(module, {
    ...busServerOptions(config, app),
    abortOnError: false,
    logger: createAppLogger(app),
  });
}

/**
 * Starts the bus listener. On TCP a taken port names BUS_URL; on NATS there is no port of ours to take.
 */
export function listenOnBus<T>(busUrl: string, app: BusApp, listen: () => Promise<T>): Promise<T> {
  const port = busPort(busUrl, app);
  return port === undefined ? listen() : listenOn('BUS_URL', port, listen);
}

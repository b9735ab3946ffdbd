import { ConsoleLogger } from '@nestjs/common';

/** Nest's own start-up chatter (one line per module and route); shown only with LOG_LEVEL=debug. */
const FRAMEWORK_CONTEXTS = new Set([
  'NestFactory',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestApplication',
  'NestMicroservice',
]);

/**
 * One logger for every app: the app's name as prefix, colours only on a terminal, JSON lines with
 * LOG_FORMAT=json (for log shippers), debug lines with LOG_LEVEL=debug.
 */
export function createAppLogger(
  app: string,
  env: Record<string, string | undefined> = process.env,
): ConsoleLogger {
  const debug = env['LOG_LEVEL'] === 'debug';
  const logger = new (class extends ConsoleLogger {
    override log(message: unknown, context?: string): void {
      if (!debug && context && FRAMEWORK_CONTEXTS.has(context)) return;
      super.log(message, context);
    }
  })(app, {
    prefix: app,
    json: env['LOG_FORMAT'] === 'json',
    colors: Boolean(process.stdout.isTTY) && env['NO_COLOR'] === undefined,
    logLevels: debug
      ? ['fatal', 'error', 'warn', 'log', 'debug', 'verbose']
      : ['fatal', 'error', 'warn', 'log'],
  });
  return logger;
}

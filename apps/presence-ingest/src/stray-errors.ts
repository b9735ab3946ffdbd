import type { Logger } from '@nestjs/common';
import type { PresenceMetrics } from './metrics/presence-metrics.js';

/**
 * Once the broker serves devices, an error that escaped every handler must not take all their connections
 * down with the process: it is logged with its stack and counted (`presence_unexpected_errors_total`, an alert's
 * business), and the broker goes on. Start-up failures still end the process: this is installed after start-up.
 */
export function keepServingOnStrayErrors(logger: Logger, metrics: PresenceMetrics): void {
  const report = (kind: string) => (error: unknown) => {
    metrics.unexpectedError(kind);
    logger.error(`${kind} (the broker keeps serving): ${(error as Error)?.stack ?? String(error)}`);
  };
  process.on('unhandledRejection', report('unhandled rejection'));
  process.on('uncaughtException', report('uncaught exception'));
}

/**
 * Runs `stop` once on SIGINT or SIGTERM, then exits: 0 when it finished, 1 when it failed. Apps use it to store
 * what they hold in memory (queued events, checkpoints) before the process ends.
 */
export function onShutdownSignal(app: string, stop: (signal: string) => Promise<void>): void {
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      if (stopping) return;
      stopping = true;
      stop(signal).then(
        () => process.exit(0),
        (error: unknown) => {
          process.stderr.write(`${app}: shutdown failed: ${String(error)}\n`);
          process.exit(1);
        },
      );
    });
  }
}

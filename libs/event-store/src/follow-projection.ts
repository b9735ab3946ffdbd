import type { EventStore } from './event-store.port.js';
import { Wakeup } from './wakeup.js';

/** A projection that catches up one batch per step, committing its documents with its checkpoint. */
export interface SteppedProjection {
  /** `caught-up` when there was nothing to do. */
  step(): Promise<'caught-up' | 'progressed' | 'conflict'>;
}

export interface Following {
  stop(): Promise<void>;
}

/**
 * Keeps the projection current: a batch whenever events are appended (or every second), at most one batch per
 * `paceMs`, retrying with capped backoff when the store fails.
 */
export function followProjection(
  projection: SteppedProjection,
  store: EventStore,
  { paceMs = 100, onError }: { paceMs?: number; onError: (error: unknown) => void },
): Following {
  let stopped = false;
  // Appends wake the loop (one made during a step is remembered); stop() wakes it out of any wait.
  const appended = new Wakeup();
  const unsubscribe = store.onAppended(() => appended.signal());
  const loop = (async () => {
    let failures = 0;
    while (!stopped) {
      try {
        const result = await projection.step();
        failures = 0;
        if (result === 'caught-up') await appended.wait(1_000);
        else await new Promise((resolve) => setTimeout(resolve, paceMs));
      } catch (error) {
        onError(error);
        await appended.wait(Math.min(30_000, 200 * 2 ** failures++));
      }
    }
  })();
  return {
    async stop() {
      stopped = true;
      unsubscribe();
      appended.signal();
      await loop;
    },
  };
}

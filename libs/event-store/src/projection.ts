import type { Checkpoints, ReadAllFilter } from './event-store.port.js';
import { catchUpLog, followLog, type Following, type LogBatch } from './follow-log.js';

/**
 * A read model built by following the log. Its document changes commit with its checkpoint (`commitProjection`
 * under `name`), so a batch is never applied twice; with the checkpoint as the expected one, several runners may
 * share it.
 */
export interface Projection {
  readonly name: string;
  readonly filter: ReadAllFilter;
  readonly batchSize: number;
  /** Commits the batch's changes with `through` as the checkpoint; `restart` when another runner was first. */
  project(batch: LogBatch): Promise<void | 'restart'>;
}

type ProjectionStore = Parameters<typeof followLog>[0] & Pick<Checkpoints, 'loadCheckpoint'>;

function followOptions(store: ProjectionStore, projection: Projection) {
  return {
    name: projection.name,
    from: () => store.loadCheckpoint(projection.name),
    filter: projection.filter,
    batchSize: projection.batchSize,
    handle: (batch: LogBatch) => projection.project(batch),
  };
}

/** Keeps the projection current, at most one batch per `paceMs` so a busy log is read in larger batches. */
export function followProjection(
  store: ProjectionStore,
  projection: Projection,
  { paceMs = 100, onError }: { paceMs?: number; onError: (error: unknown) => void },
): Following {
  return followLog(store, { ...followOptions(store, projection), paceMs, onError });
}

/** Projects everything stored so far (a start-up catch-up, a rebuild); the first failure rejects. */
export function catchUpProjection(store: ProjectionStore, projection: Projection): Promise<number> {
  return catchUpLog(store, followOptions(store, projection));
}

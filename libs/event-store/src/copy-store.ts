import { createHash } from 'node:crypto';
import { isLive, liveLeases } from './live-leases.js';
import type {
  CollectionDocument,
  EventStore,
  RecordedEvent,
  StoreCounts,
  StoredCheckpoint,
  StreamVersion,
} from './event-store.port.js';

/**
 * The lease a copy holds in its target until the copy is verified: a target holding it is an interrupted or
 * failed copy, never mistaken for a complete one. Apps use other lease names, so they leave it alone.
 */
export const INCOMPLETE_COPY_LEASE = 'migrate-store/incomplete-copy';
const COPY_OWNER = 'migrate-store';
const FOREVER_MS = 100 * 365 * 24 * 3600_000;

export interface CopyProgress {
  table: 'events' | 'streams' | 'checkpoints' | 'documents';
  copied: number;
  /** How many rows of the table the source holds. */
  of: number;
}

export interface CopyStoreOptions {
  /** Rows per read and per target transaction (default 5,000): memory stays flat whatever the store's size. */
  batchSize?: number;
  /** Once both stores passed the checks, before anything is written: what the source holds. */
  onStart?: (source: StoreCounts) => void;
  onProgress?: (progress: CopyProgress) => void;
  /** Epoch ms, to tell live leases from expired ones. */
  now?: number;
}

export interface CopySummary extends StoreCounts {
  headPosition: number;
  retentionHorizon: number;
  /** sha256 over the events in position order, every field, JSON with sorted keys (JSONB reorders them). */
  eventsChecksum: string;
}

/** The copy was not started: nothing was written to the target. */
export class StoreCopyRefusedError extends Error {
  override name = 'StoreCopyRefusedError';
}

const DROP_AND_RETRY =
  'drop it (delete the SQLite file, or DROP SCHEMA … CASCADE) and run migrate-store again';

/** The copy stopped half-way; the target keeps INCOMPLETE_COPY_LEASE. */
export class StoreCopyFailedError extends Error {
  override name = 'StoreCopyFailedError';
}

/** The target differs from the source after the copy; it keeps INCOMPLETE_COPY_LEASE. */
export class StoreCopyMismatchError extends Error {
  override name = 'StoreCopyMismatchError';
}

/**
 * Copies every event (position, stream, version, event ID, type, data, metadata; gaps left by retention stay
 * gaps), the streams' versions, checkpoints, documents and the retention horizon from `source` into the empty
 * `target`, then seals it so appends continue above the source's head, and verifies it. Leases are not copied:
 * they are the live claims of running apps, and a source with live ones is refused.
 */
export async function copyStore(
  source: EventStore,
  target: EventStore,
  options: CopyStoreOptions = {},
): Promise<CopySummary> {
  const { batchSize = 5000, onStart, onProgress = () => undefined, now = Date.now() } = options;
  await refuseUnlessStopped(source, now);
  await refuseUnlessEmpty(target, now);
  const expected = await source.countRows();
  onStart?.(expected);
  await target.acquireLeases(COPY_OWNER, [INCOMPLETE_COPY_LEASE], FOREVER_MS, now);
  try {
    return await copyInto(source, target, expected, batchSize, onProgress);
  } catch (error) {
    if (error instanceof StoreCopyMismatchError) throw error;
    throw new StoreCopyFailedError(
      `the copy into ${target.description} failed: ${(error as Error).message}. The target is marked ` +
        `incomplete: ${DROP_AND_RETRY}`,
      { cause: error },
    );
  }
}

async function copyInto(
  source: EventStore,
  target: EventStore,
  expected: StoreCounts,
  batchSize: number,
  onProgress: (progress: CopyProgress) => void,
): Promise<CopySummary> {
  const checksum = createHash('sha256');
  let copied = 0;
  for (let after = 0; ;) {
    const events = await source.readAll(after, { limit: batchSize });
    if (events.length === 0) break;
    await target.importRows({ events });
    events.forEach((event) => checksum.update(canonicalLine(event)));
    after = events[events.length - 1].position;
    onProgress({ table: 'events', copied: (copied += events.length), of: expected.events });
  }
  await copyKeyed<StreamVersion>(
    'streams',
    expected.streams,
    (after) => source.exportStreams(after?.stream ?? '', batchSize),
    (streams) => target.importRows({ streams }),
  );
  await copyKeyed<StoredCheckpoint>(
    'checkpoints',
    expected.checkpoints,
    (after) => source.exportCheckpoints(after?.name ?? '', batchSize),
    (checkpoints) => target.importRows({ checkpoints }),
  );
  await copyKeyed<CollectionDocument>(
    'documents',
    expected.documents,
    (after) => source.exportDocuments(after ?? { collection: '', id: '' }, batchSize),
    (documents) => target.importRows({ documents }),
  );

  const headPosition = await source.headPosition();
  const retentionHorizon = await source.retentionHorizon();
  await target.sealImport(headPosition, retentionHorizon);
  const summary = { ...expected, headPosition, retentionHorizon, eventsChecksum: checksum.digest('hex') };
  await verifyCopy(target, summary, batchSize);
  await target.releaseLeases(COPY_OWNER, [INCOMPLETE_COPY_LEASE]);
  return summary;

  async function copyKeyed<Row>(
    table: CopyProgress['table'],
    of: number,
    read: (after: Row | undefined) => Promise<Row[]>,
    write: (rows: Row[]) => Promise<void>,
  ): Promise<void> {
    let count = 0;
    for (let rows = await read(undefined); rows.length > 0; rows = await read(rows[rows.length - 1])) {
      await write(rows);
      onProgress({ table, copied: (count += rows.length), of });
    }
  }
}

/** What the target holds, compared with the source's; a difference names each field, both values. */
export async function verifyCopy(target: EventStore, expected: CopySummary, batchSize = 5000): Promise<void> {
  const checksum = createHash('sha256');
  for (let after = 0; ;) {
    const events = await target.readAll(after, { limit: batchSize });
    if (events.length === 0) break;
    events.forEach((event) => checksum.update(canonicalLine(event)));
    after = events[events.length - 1].position;
  }
  const found: CopySummary = {
    ...(await target.countRows()),
    headPosition: await target.headPosition(),
    retentionHorizon: await target.retentionHorizon(),
    eventsChecksum: checksum.digest('hex'),
  };
  const differences = (Object.keys(expected) as (keyof CopySummary)[])
    .filter((field) => found[field] !== expected[field])
    .map((field) => `${field}: source ${expected[field]}, target ${found[field]}`);
  if (differences.length > 0) {
    throw new StoreCopyMismatchError(
      `the copy in ${target.description} differs from the source (${differences.join('; ')}): ` +
        `the target stays marked incomplete: ${DROP_AND_RETRY}`,
    );
  }
}

async function refuseUnlessStopped(source: EventStore, now: number): Promise<void> {
  const live = await liveLeases(source, now);
  if (live.length === 0) return;
  const leases = live.map(
    (lease) => `${lease.name} held by ${lease.owner} until ${new Date(lease.expiresAt).toISOString()}`,
  );
  throw new StoreCopyRefusedError(
    `the source ${source.description} is in use: live lease ${leases.join(', ')}. ` +
      'Stop the apps first (and wait for their leases to expire if one was killed)',
  );
}

async function refuseUnlessEmpty(target: EventStore, now: number): Promise<void> {
  const leases = await target.readLeases('');
  if (leases.some((lease) => lease.name === INCOMPLETE_COPY_LEASE)) {
    throw new StoreCopyRefusedError(
      `the target ${target.description} holds an incomplete copy (an earlier migrate-store failed or was ` +
        `stopped): ${DROP_AND_RETRY}`,
    );
  }
  const counts = await target.countRows();
  const held = Object.entries(counts).filter(([, count]) => count > 0);
  if (held.length > 0) {
    throw new StoreCopyRefusedError(
      `the target ${target.description} is not empty: it holds ` +
        `${held.map(([table, count]) => `${count} ${table}`).join(', ')}. ` +
        'Give a new SQLite file or an empty PostgreSQL schema (?schema=name)',
    );
  }
  const live = leases.filter((lease) => isLive(lease, now));
  if (live.length > 0) {
    throw new StoreCopyRefusedError(
      `the target ${target.description} is in use: live lease ${live[0].name} held by ${live[0].owner}. ` +
        'Stop the apps using it first',
    );
  }
}

function canonicalLine(event: RecordedEvent): string {
  return `${canonicalJson(event)}\n`;
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

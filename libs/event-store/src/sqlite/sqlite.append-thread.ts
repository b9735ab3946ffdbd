/*
 * The worker thread that appends to a SQLite store for a process whose event loop must not wait on the disk:
 * presence-ingest's broker keeps accepting connections while a batch is written and fsynced, dispatch keeps
 * sending while its outcomes and checkpoints are. It has its own connection to the file (WAL lets the main
 * thread's connection read beside it). Messages in: `{ id, appends }`, `{ id, checkpoints }` or 'close'; out:
 * `{ id, results }` (none for checkpoints) or `{ id, failure }`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { DuplicateEventError, WrongExpectedVersionError } from '../errors.js';
import type { AppendResult, ExpectedVersion, StreamAppend } from '../event-store.port.js';
import { appendEvents, saveCheckpoints, type CheckpointSave } from './sqlite.operations.js';
import { openSqliteDatabase } from './sqlite.schema.js';
import { prepareStatements } from './sqlite.statements.js';

export type AppendRequest =
  { id: number; appends: StreamAppend[] } | { id: number; checkpoints: CheckpointSave[] } | 'close';

/** Why an append was refused, as plain data: errors lose their class crossing threads. */
export type AppendFailure =
  | { kind: 'duplicate'; eventId: string }
  | { kind: 'wrong-version'; stream: string; expected: ExpectedVersion; actual: number }
  | { kind: 'other'; message: string };

export type AppendReply = { id: number; results: AppendResult[] } | { id: number; failure: AppendFailure };

const port = parentPort!;
const db = openSqliteDatabase((workerData as { path: string }).path);
const statements = prepareStatements(db);

port.on('message', (request: AppendRequest) => {
  if (request === 'close') {
    db.close();
    port.close();
    return;
  }
  try {
    port.postMessage({ id: request.id, results: write(request) } satisfies AppendReply);
  } catch (error) {
    port.postMessage({ id: request.id, failure: failureOf(error) } satisfies AppendReply);
  }
});

function write(request: Exclude<AppendRequest, 'close'>): AppendResult[] {
  if ('appends' in request) return appendEvents(statements, request.appends);
  saveCheckpoints(statements, request.checkpoints);
  return [];
}

function failureOf(error: unknown): AppendFailure {
  if (error instanceof DuplicateEventError) return { kind: 'duplicate', eventId: error.eventId };
  if (error instanceof WrongExpectedVersionError) {
    return { kind: 'wrong-version', stream: error.stream, expected: error.expected, actual: error.actual };
  }
  return { kind: 'other', message: String(error) };
}

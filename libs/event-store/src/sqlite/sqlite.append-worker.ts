import { Worker } from 'node:worker_threads';
import { DuplicateEventError, WrongExpectedVersionError } from '../errors.js';
import type { AppendResult, StreamAppend } from '../event-store.port.js';
import type { AppendFailure, AppendReply, AppendRequest } from './sqlite.append-thread.js';
import type { CheckpointSave } from './sqlite.operations.js';

/** The compiled thread module beside this one (`dist/`); tests running the TypeScript sources pass the built one. */
const THREAD_SCRIPT = new URL('./sqlite.append-thread.js', import.meta.url);

interface Pending {
  resolve: (results: AppendResult[]) => void;
  reject: (error: Error) => void;
}

/**
 * Runs a SQLite store's appends and checkpoint saves on the append thread (sqlite.append-thread.ts), in the order
 * asked. If the thread dies, the writes in flight fail (a group commit retries them; nothing was committed that
 * was not answered) and the next write starts a new thread.
 */
export class SqliteAppendWorker {
  private readonly inFlight = new Map<number, Pending>();
  private nextId = 0;
  private worker: Worker | undefined;

  constructor(
    private readonly path: string,
    private readonly script: URL = THREAD_SCRIPT,
  ) {
    this.thread(); // opened now, so its first batch does not wait for the thread to start
  }

  append(appends: StreamAppend[]): Promise<AppendResult[]> {
    return this.write({ appends });
  }

  async saveCheckpoints(checkpoints: CheckpointSave[]): Promise<void> {
    await this.write({ checkpoints });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.worker = undefined;
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.postMessage('close' satisfies AppendRequest);
    await exited;
  }

  private write(
    request: { appends: StreamAppend[] } | { checkpoints: CheckpointSave[] },
  ): Promise<AppendResult[]> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.inFlight.set(id, { resolve, reject });
      this.thread().postMessage({ id, ...request } satisfies AppendRequest);
    });
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.script, { workerData: { path: this.path } });
    worker.on('message', (reply: AppendReply) => {
      const pending = this.inFlight.get(reply.id);
      this.inFlight.delete(reply.id);
      if ('results' in reply) pending?.resolve(reply.results);
      else pending?.reject(errorOf(reply.failure));
    });
    // An 'error' (the file could not be opened, the thread crashed) is followed by 'exit'.
    let failure = 'the SQLite append thread stopped';
    worker.on('error', (error) => (failure = `the SQLite append thread failed: ${String(error)}`));
    worker.on('exit', () => {
      if (this.worker === worker) this.worker = undefined;
      for (const { reject } of this.inFlight.values()) reject(new Error(failure));
      this.inFlight.clear();
    });
    this.worker = worker;
    return worker;
  }
}

function errorOf(failure: AppendFailure): Error {
  switch (failure.kind) {
    case 'duplicate':
      return new DuplicateEventError(failure.eventId);
    case 'wrong-version':
      return new WrongExpectedVersionError(failure.stream, failure.expected, failure.actual);
    case 'other':
      return new Error(failure.message);
  }
}

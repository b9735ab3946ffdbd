import type { ExpectedVersion } from './event-store.port.js';

/** The stream was not at the expected version: someone else appended first. Nothing was written. */
export class WrongExpectedVersionError extends Error {
  readonly code = 'WRONG_EXPECTED_VERSION';
  constructor(
    readonly stream: string,
    readonly expected: ExpectedVersion,
    readonly actual: number,
  ) {
    super(`stream ${stream} is at version ${actual}, expected ${String(expected)}`);
    this.name = 'WrongExpectedVersionError';
  }
}

/** An event with this ID is already stored. Nothing was written. */
export class DuplicateEventError extends Error {
  readonly code = 'DUPLICATE_EVENT';
  constructor(readonly eventId: string) {
    super(`event ${eventId} is already stored`);
    this.name = 'DuplicateEventError';
  }
}

/** Another runner of the projection committed first: nothing was written; read the checkpoint again. */
export class ProjectionConflictError extends Error {
  readonly code = 'PROJECTION_CONFLICT';
  constructor(
    readonly projection: string,
    readonly expected: number,
    readonly actual: number,
  ) {
    super(`projection ${projection} is at ${actual}, not ${expected}: another runner moved it`);
    this.name = 'ProjectionConflictError';
  }
}

import { join } from 'node:path';
import { Metadata, status as Code, type ServiceError } from '@grpc/grpc-js';
import { HttpException } from '@nestjs/common';
import protobuf from 'protobufjs';
import { GOOGLE_PROTO_DIR } from '#libs/contracts';
import { RedeliveryError, type RedeliveryErrorCode } from '#libs/notifications';
import { RulesError, type RulesErrorCode } from '#libs/rules';
import { problemFor } from '../control-plane/rules-problem.js';
import { redeliveryProblem } from '../redelivery/redelivery-problem.js';
import { WatchRefused } from '../watch-presence/presence-watchers.js';

/** A call refused before it reached a use case: no token, or a viewer asking to write. */
export class CallRefused extends Error {
  constructor(
    readonly code: Code.UNAUTHENTICATED | Code.PERMISSION_DENIED,
    message: string,
  ) {
    super(message);
  }
}

/** Each stable problem code of the REST API, as gRPC callers expect it (google.aip.dev/193). */
const CODES: Record<RulesErrorCode | RedeliveryErrorCode | WatchRefused['code'], Code> = {
  VALIDATION_FAILED: Code.INVALID_ARGUMENT,
  RULE_TYPE_NOT_SUPPORTED: Code.INVALID_ARGUMENT,
  RULE_NOT_FOUND: Code.NOT_FOUND,
  GROUP_NOT_FOUND: Code.NOT_FOUND,
  ROCKETMQ_INSTANCE_NOT_FOUND: Code.NOT_FOUND,
  CREDENTIALS_NOT_FOUND: Code.NOT_FOUND,
  TOPIC_PERMISSIONS_NOT_FOUND: Code.NOT_FOUND,
  ACCESS_KEY_NOT_FOUND: Code.NOT_FOUND,
  DEAD_LETTER_NOT_FOUND: Code.NOT_FOUND,
  PRESENCE_EVENT_NOT_STORED: Code.NOT_FOUND,
  RULE_ID_TAKEN: Code.ALREADY_EXISTS,
  GROUP_ALREADY_HAS_RULE: Code.ALREADY_EXISTS,
  GROUP_ALREADY_REGISTERED: Code.ALREADY_EXISTS,
  ROCKETMQ_INSTANCE_ALREADY_REGISTERED: Code.ALREADY_EXISTS,
  DEAD_LETTER_ALREADY_REDRIVEN: Code.ALREADY_EXISTS,
  RULE_LIMIT_REACHED: Code.RESOURCE_EXHAUSTED,
  REPLAY_TOO_LARGE: Code.RESOURCE_EXHAUSTED,
  RULE_VERSION_MISMATCH: Code.FAILED_PRECONDITION,
  GROUP_IN_USE: Code.FAILED_PRECONDITION,
  ROCKETMQ_INSTANCE_IN_USE: Code.FAILED_PRECONDITION,
  SOURCE_GROUP_NOT_FOUND: Code.FAILED_PRECONDITION,
  TARGET_INSTANCE_NOT_FOUND: Code.FAILED_PRECONDITION,
  TARGET_TOPIC_NOT_FOUND: Code.FAILED_PRECONDITION,
  REGION_MISMATCH: Code.FAILED_PRECONDITION,
  RANGE_PAST_RETENTION: Code.OUT_OF_RANGE,
  POSITION_PAST_RETENTION: Code.OUT_OF_RANGE,
  WATCHER_LIMIT_REACHED: Code.RESOURCE_EXHAUSTED,
};

/** Problems without a stable code (a client with no live connection, a peer not answering), by HTTP status. */
const BY_STATUS: Record<number, Code> = {
  400: Code.INVALID_ARGUMENT,
  401: Code.UNAUTHENTICATED,
  403: Code.PERMISSION_DENIED,
  404: Code.NOT_FOUND,
  409: Code.ALREADY_EXISTS,
  412: Code.FAILED_PRECONDITION,
  422: Code.FAILED_PRECONDITION,
  503: Code.UNAVAILABLE,
};

const DOMAIN = 'mqtt-status-relay';

interface Problem {
  code?: string;
  status: number;
  detail: string;
  errors?: { field: string; rule: string; message: string }[];
  retainedSince?: string;
}

/** The REST problem of a refusal: the one description of every refusal, which gRPC only translates. */
function problemOf(error: unknown): Problem | undefined {
  if (error instanceof RulesError) return problemFor(error);
  if (error instanceof RedeliveryError) return { ...redeliveryProblem(error), code: error.code };
  if (error instanceof HttpException) return { status: error.getStatus(), detail: error.message };
  if (error instanceof WatchRefused) {
    const errors = error.field && [
      { field: error.field.name, rule: error.field.rule, message: error.message },
    ];
    return { code: error.code, status: 0, detail: error.message, ...(errors && { errors }) };
  }
  return undefined;
}

const googleRpc = (() => {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => join(GOOGLE_PROTO_DIR, target);
  root.loadSync(['google/rpc/status.proto', 'google/rpc/error_details.proto']);
  return root;
})();
const STATUS = googleRpc.lookupType('google.rpc.Status');

function any(type: string, value: Record<string, unknown>) {
  const message = googleRpc.lookupType(type);
  return {
    // protobufjs bundles google.protobuf.Any as written (type_url), not camelCased like the files it parses.
    type_url: `type.googleapis.com/${type}`,
    value: message.encode(message.fromObject(value)).finish(),
  };
}

/** The google.rpc.Status of a refusal: ErrorInfo with the stable code, and what to change per field. */
function details(code: Code, message: string, problem: Problem | undefined, reason: string): Buffer {
  const errors = problem?.errors ?? [];
  const metadata: Record<string, string> = Object.fromEntries(errors.map((e) => [e.field, e.rule]));
  if (problem?.retainedSince) metadata['retainedSince'] = problem.retainedSince;
  const anys = [any('google.rpc.ErrorInfo', { reason, domain: DOMAIN, metadata })];
  if (code === Code.INVALID_ARGUMENT && errors.length > 0) {
    const fieldViolations = errors.map((e) => ({ field: e.field, description: `${e.rule}: ${e.message}` }));
    anys.push(any('google.rpc.BadRequest', { fieldViolations }));
  }
  if (code === Code.FAILED_PRECONDITION) {
    const violations = errors.length
      ? errors.map((e) => ({ type: e.rule, subject: e.field, description: e.message }))
      : [{ type: reason, subject: '', description: message }];
    anys.push(any('google.rpc.PreconditionFailure', { violations }));
  }
  const status = STATUS.fromObject({ code, message, details: anys });
  return Buffer.from(STATUS.encode(status).finish());
}

/**
 * Any error of a call, as its gRPC status: every refusal maps from its REST problem (so the code, field and rule
 * are the same on both APIs), with the rich error model in `grpc-status-details-bin`. Anything else is INTERNAL,
 * its cause left to the server log.
 */
export function toServiceError(error: unknown): { error: Partial<ServiceError>; unexpected: boolean } {
  const problem = problemOf(error);
  let code: Code;
  let message: string;
  if (error instanceof CallRefused) [code, message] = [error.code, error.message];
  else if (problem)
    [code, message] = [
      problem.code ? CODES[problem.code as keyof typeof CODES] : (BY_STATUS[problem.status] ?? Code.UNKNOWN),
      problem.detail,
    ];
  else [code, message] = [Code.INTERNAL, 'internal error, see the server log'];
  const reason = problem?.code ?? Code[code];
  const metadata = new Metadata();
  metadata.set('grpc-status-details-bin', details(code, message, problem, reason));
  return {
    error: { code, details: message, metadata },
    unexpected: !problem && !(error instanceof CallRefused),
  };
}

import { expect } from '@jest/globals';
import type { status as Code } from '@grpc/grpc-js';
import type { Answer, GrpcApi } from './grpc-clients.js';

export type Refused = Extract<Answer, { ok: false }>;

/** Calls that must succeed or be refused in a given way, as `token` (null: none) unless told otherwise. */
export function grpcExpectations(api: () => GrpcApi, token: string) {
  const call = (service: string, method: string, request: object = {}, as: string | null = token) =>
    api().call(service, method, request, as ?? undefined);

  /** The value of a call that must succeed (the refusal is shown when it did not). */
  async function ok(service: string, method: string, request: object = {}, as: string | null = token) {
    const answer = await call(service, method, request, as);
    expect(answer).toMatchObject({ ok: true });
    return (answer as Extract<Answer, { ok: true }>).value;
  }

  /** A refusal with its code and the stable code of the REST problem (ErrorInfo reason). */
  async function refused(code: Code, reason: string, answer: Promise<Answer>): Promise<Refused> {
    const refusal = await answer;
    expect(refusal).toMatchObject({ ok: false, code });
    const { details } = refusal as Refused;
    expect(details['google.rpc.ErrorInfo']).toMatchObject({ reason, domain: 'mqtt-status-relay' });
    return refusal as Refused;
  }

  return { call, ok, refused };
}

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * What a bus request proves (docs/decisions/0017-bus-authentication.md): an HMAC-SHA256 over the pattern, the
 * caller's name, the time, a nonce and the body, keyed by the caller's key, which is derived from BUS_SECRET and
 * the name. The secret itself never travels; a changed body, pattern or name, or the same request sent again,
 * does not verify.
 */

/** A bus caller: its name (recorded as actor `bus:<name>`) and the key BUS_SECRET derives for that name. */
export interface BusCaller {
  name: string;
  key: Buffer;
}

/** The request's data as sent: the body as JSON text, so both ends MAC the same bytes. */
export interface SealedRequest {
  proof: { caller: string; at: number; nonce: string; mac: string };
  body: string;
}

export type BusVerdict = { caller: string; body: unknown } | { refused: string; caller?: string };

const CALLER_NAME = /^[a-z0-9][a-z0-9._-]{0,47}$/;
const NONCE = /^[A-Za-z0-9_-]{16,64}$/;
/** How far a proof's time may be from the receiver's clock; nonces are remembered this long. */
export const BUS_PROOF_MAX_AGE_MS = 60_000;

/** The key of caller `name`: apps derive their own from BUS_SECRET; a script may be given only its own. */
export function busCaller(secret: Buffer, name: string): BusCaller {
  if (!CALLER_NAME.test(name)) throw new Error(`bus caller "${name}" must be 1–48 of [a-z0-9._-]`);
  return { name, key: createHmac('sha256', secret).update(`msr-bus-caller:${name}`).digest() };
}

function mac(key: Buffer, pattern: string, caller: string, at: number, nonce: string, body: string): Buffer {
  return createHmac('sha256', key)
    .update(['msr-bus-v1', pattern, caller, at, nonce, body].join('\n'))
    .digest();
}

export function sealRequest(
  caller: BusCaller,
  pattern: string,
  data: unknown,
  now = Date.now(),
): SealedRequest {
  const body = JSON.stringify(data) ?? 'null';
  const nonce = randomBytes(18).toString('base64url');
  const proof = mac(caller.key, pattern, caller.name, now, nonce, body).toString('base64url');
  return { proof: { caller: caller.name, at: now, nonce, mac: proof }, body };
}

/** The receiving side: checks each request's proof and refuses a nonce it has seen within the proof's age. */
export class BusProofs {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly secret: Buffer,
    private readonly clock: () => number = Date.now,
  ) {}

  check(pattern: string, data: unknown): BusVerdict {
    const { proof, body } = (typeof data === 'object' && data !== null ? data : {}) as Partial<SealedRequest>;
    if (typeof proof !== 'object' || proof === null) return { refused: 'no BUS_SECRET proof' };
    const { caller, at, nonce, mac: given } = proof;
    if (
      typeof caller !== 'string' ||
      !CALLER_NAME.test(caller) ||
      !Number.isSafeInteger(at) ||
      typeof nonce !== 'string' ||
      !NONCE.test(nonce) ||
      typeof given !== 'string' ||
      typeof body !== 'string'
    )
      return { refused: 'a malformed BUS_SECRET proof' };
    const expected = mac(busCaller(this.secret, caller).key, pattern, caller, at, nonce, body);
    const presented = Buffer.from(given, 'base64url');
    if (presented.length !== expected.length || !timingSafeEqual(presented, expected))
      return { refused: 'a wrong BUS_SECRET proof', caller };
    const now = this.clock();
    if (Math.abs(now - at) > BUS_PROOF_MAX_AGE_MS)
      return {
        refused: `a proof ${Math.round((now - at) / 1000)} s old (clocks apart, or a replay)`,
        caller,
      };
    this.forgetExpired(now);
    if (this.seen.has(nonce)) return { refused: 'a replayed BUS_SECRET proof', caller };
    this.seen.set(nonce, at + BUS_PROOF_MAX_AGE_MS);
    try {
      return { caller, body: JSON.parse(body) };
    } catch {
      return { refused: 'a malformed body', caller };
    }
  }

  /** Nonces are kept in arrival order, so the expired ones are (nearly all) at the front. */
  private forgetExpired(now: number): void {
    for (const [nonce, expiry] of this.seen) {
      if (expiry >= now) return;
      this.seen.delete(nonce);
    }
  }
}

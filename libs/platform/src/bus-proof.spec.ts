import { randomBytes } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { busCaller, BusProofs, sealRequest } from './bus-proof.js';

const SECRET = randomBytes(32);
const PATTERN = 'rule-manager.command';
const T0 = 1_800_000_000_000;

describe('a bus request proof', () => {
  const caller = busCaller(SECRET, 'provisioning');
  const body = { command: { type: 'DeleteRule', data: { ruleId: 'r1' } } };

  it('verifies with the same secret, naming the caller bound into it and giving the body back', () => {
    const proofs = new BusProofs(SECRET, () => T0 + 5_000);
    expect(proofs.check(PATTERN, sealRequest(caller, PATTERN, body, T0))).toEqual({
      caller: 'provisioning',
      body,
    });
  });

  it('is refused without a proof, with another secret, or once anything it covers is changed', () => {
    const proofs = new BusProofs(SECRET, () => T0);
    const sealed = sealRequest(caller, PATTERN, body, T0);
    expect(proofs.check(PATTERN, body)).toEqual({ refused: 'no BUS_SECRET proof' });
    expect(proofs.check(PATTERN, undefined)).toEqual({ refused: 'no BUS_SECRET proof' });
    const wrong = sealRequest(busCaller(randomBytes(32), 'provisioning'), PATTERN, body, T0);
    expect(proofs.check(PATTERN, wrong)).toEqual({
      refused: 'a wrong BUS_SECRET proof',
      caller: 'provisioning',
    });
    const changed = [
      { ...sealed, body: sealed.body.replace('r1', 'r2') },
      { ...sealed, proof: { ...sealed.proof, caller: 'rule-manager' } },
      { ...sealed, proof: { ...sealed.proof, at: T0 + 1 } },
    ];
    for (const request of changed) expect(proofs.check(PATTERN, request)).toHaveProperty('refused');
    expect(proofs.check('presence-ingest.close-connection', sealed)).toMatchObject({
      refused: 'a wrong BUS_SECRET proof',
    });
    expect(proofs.check(PATTERN, { ...sealed, proof: { ...sealed.proof, caller: 'Not A Name' } })).toEqual({
      refused: 'a malformed BUS_SECRET proof',
    });
  });

  it('gives a script only its own name: a key derived for one caller does not prove another', () => {
    const proofs = new BusProofs(SECRET, () => T0);
    const impostor = { name: 'rule-manager', key: caller.key };
    expect(proofs.check(PATTERN, sealRequest(impostor, PATTERN, body, T0))).toMatchObject({
      refused: 'a wrong BUS_SECRET proof',
    });
  });

  it('is refused when sent again, and when older than a minute (when its nonce is forgotten)', () => {
    let now = T0;
    const proofs = new BusProofs(SECRET, () => now);
    const sealed = sealRequest(caller, PATTERN, body, T0);
    expect(proofs.check(PATTERN, sealed)).toMatchObject({ caller: 'provisioning' });
    expect(proofs.check(PATTERN, sealed)).toEqual({
      refused: 'a replayed BUS_SECRET proof',
      caller: 'provisioning',
    });
    now = T0 + 61_000;
    expect(proofs.check(PATTERN, sealed)).toEqual({
      refused: 'a proof 61 s old (clocks apart, or a replay)',
      caller: 'provisioning',
    });
    expect(proofs.check(PATTERN, sealRequest(caller, PATTERN, body, now))).toMatchObject({
      caller: 'provisioning',
    });
  });
});

import { describe, expect, it } from '@jest/globals';
import { afterFailure, DeliveryLanes, type LaneEntry } from './index.js';

/** A small deterministic generator, so a failing shuffle can be replayed from its seed. */
function random(seed: number) {
  let state = seed;
  return (below: number) => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state % below;
  };
}

describe('delivery lanes', () => {
  it('hands out one head per client, and the next one of a client only after the head is completed', () => {
    const lanes = new DeliveryLanes<string>(0);
    lanes.add(1, [{ lane: 'a', value: 'a1' }]);
    lanes.add(2, [{ lane: 'b', value: 'b1' }]);
    lanes.add(3, [{ lane: 'a', value: 'a2' }]);

    const first = lanes.take(10).flat();
    expect(first.map((entry) => entry.value)).toEqual(['a1', 'b1']);
    expect(lanes.take(10).flat()).toEqual([]);

    lanes.complete(first[0]!);
    expect(
      lanes
        .take(10)
        .flat()
        .map((entry) => entry.value),
    ).toEqual(['a2']);
  });

  it("hands out a client's consecutive notifications as one run, cut where they stop going together", () => {
    const lanes = new DeliveryLanes<string>(0);
    for (const [position, value] of ['a1:t', 'a2:t', 'a3:u', 'a4:u'].entries())
      lanes.add(position + 1, [{ lane: 'a', value }]);
    lanes.add(5, [{ lane: 'b', value: 'b1:t' }]);
    const sameTopic = (previous: string, next: string) => previous.split(':')[1] === next.split(':')[1];

    const runs = lanes.take(10, 3, sameTopic);
    expect(runs.map((run) => run.map((entry) => entry.value))).toEqual([['a1:t', 'a2:t'], ['b1:t']]);
    lanes.complete(runs[0]![0]!);
    expect(lanes.take(10, 3, sameTopic)).toEqual([]); // a2 is still out
    lanes.complete(runs[0]![1]!);
    expect(
      lanes
        .take(10, 1)
        .flat()
        .map((entry) => entry.value),
    ).toEqual(['a3:u']);
  });

  it('gives the rest of a run back with a failed entry, so nothing of the client overtakes it', () => {
    const lanes = new DeliveryLanes<string>(0);
    for (const position of [1, 2, 3]) lanes.add(position, [{ lane: 'a', value: `a${position}` }]);
    const [run] = lanes.take(10, 3);
    lanes.complete(run![0]!);
    expect(lanes.take(10, 3)).toEqual([]); // a2 failed and waits for its retry: the lane stays busy
    lanes.retry(run![1]!);
    expect(lanes.take(10, 3).map((again) => again.map((entry) => entry.value))).toEqual([['a2', 'a3']]);
  });

  it('gives a failed head back for a retry, still ahead of the rest of its client', () => {
    const lanes = new DeliveryLanes<string>(0);
    lanes.add(1, [{ lane: 'a', value: 'a1' }]);
    lanes.add(2, [{ lane: 'a', value: 'a2' }]);
    const [head] = lanes.take(10).flat();
    lanes.retry(head!);
    expect(
      lanes
        .take(10)
        .flat()
        .map((entry) => entry.value),
    ).toEqual(['a1']);
  });

  it('takes no more than asked, so sends in flight stay bounded', () => {
    const lanes = new DeliveryLanes<number>(0);
    for (let i = 1; i <= 100; i++) lanes.add(i, [{ lane: `c${i}`, value: i }]);
    expect(lanes.take(16).flat()).toHaveLength(16);
    expect(lanes.take(100).flat()).toHaveLength(84);
  });

  it('moves the checkpoint only past events whose notifications are all settled', () => {
    const lanes = new DeliveryLanes<string>(10);
    lanes.add(11, [{ lane: 'a', value: 'a1' }]);
    lanes.add(12, [{ lane: 'b', value: 'b1' }]);
    lanes.readUpTo(15);
    const [a1, b1] = lanes.take(10).flat();

    lanes.complete(b1!);
    lanes.settle(b1!);
    expect(lanes.checkpoint()).toBe(10);
    lanes.complete(a1!);
    lanes.settle(a1!);
    expect(lanes.checkpoint()).toBe(15);
    expect(lanes.pending).toBe(0);
  });

  it('refuses positions out of order and entries that are not a busy head', () => {
    const lanes = new DeliveryLanes<string>(5);
    expect(() => lanes.add(5, [])).toThrow('not after the last one read');
    lanes.add(6, [{ lane: 'a', value: 'a1' }]);
    lanes.add(7, [{ lane: 'a', value: 'a2' }]);
    const [head] = lanes.take(1).flat();
    const second: LaneEntry<string> = { value: 'a2', position: 7, lane: 'a' };
    expect(() => lanes.complete(second)).toThrow('not the busy head of lane a');
    lanes.complete(head!);
    lanes.settle(head!);
    expect(() => lanes.settle(head!)).toThrow('nothing unsettled at position 6');
  });

  it('keeps per-client order and a safe checkpoint whatever the order of sends, retries and records', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const pick = random(seed);
      const lanes = new DeliveryLanes<{ client: string; seq: number }>(0);
      const sequences = new Map<string, number>();
      let position = 0;
      for (let i = 0; i < 60; i++) {
        position += 1 + pick(3);
        const client = `c${pick(5)}`;
        const seq = (sequences.get(client) ?? 0) + 1;
        sequences.set(client, seq);
        lanes.add(position, [{ lane: client, value: { client, seq } }]);
      }
      const sent = new Map<string, number[]>();
      const inFlight: LaneEntry<{ client: string; seq: number }>[] = [];
      const unrecorded: LaneEntry<{ client: string; seq: number }>[] = [];
      const settled = new Set<number>();
      while (lanes.pending > 0) {
        inFlight.push(...lanes.take(1 + pick(4)).flat());
        const step = pick(3);
        if (step === 0 && inFlight.length > 0) lanes.retry(inFlight.splice(pick(inFlight.length), 1)[0]!);
        if (step === 1 && inFlight.length > 0) {
          const entry = inFlight.splice(pick(inFlight.length), 1)[0]!;
          sent.set(entry.lane, [...(sent.get(entry.lane) ?? []), entry.value.seq]);
          lanes.complete(entry);
          unrecorded.push(entry);
        }
        if (step === 2 && unrecorded.length > 0) {
          const entry = unrecorded.splice(pick(unrecorded.length), 1)[0]!;
          lanes.settle(entry);
          settled.add(entry.position);
        }
        // Every position at or below the checkpoint that gave a notification has been settled.
        // One expect per step, not per entry held: per entry it made millions of calls and took 20 s.
        const checkpoint = lanes.checkpoint();
        const lowestHeld = Math.min(...[...inFlight, ...unrecorded].map((entry) => entry.position));
        expect(lowestHeld).toBeGreaterThan(checkpoint);
      }
      for (const [client, seqs] of sent) {
        expect(seqs).toEqual(Array.from({ length: sequences.get(client)! }, (_, i) => i + 1));
      }
      expect(lanes.checkpoint()).toBe(position);
      expect(settled.size).toBe(60);
    }
  });
});

describe('what follows a failed send', () => {
  const policy = { maxAttempts: 3, baseBackoffMs: 100, maxBackoffMs: 1_000 };

  it('retries transient failures forever with capped exponential backoff', () => {
    expect(afterFailure(policy, 1, 'transient')).toEqual({ retryInMs: 100 });
    expect(afterFailure(policy, 2, 'transient')).toEqual({ retryInMs: 200 });
    expect(afterFailure(policy, 4, 'transient')).toEqual({ retryInMs: 800 });
    expect(afterFailure(policy, 5, 'transient')).toEqual({ retryInMs: 1_000 });
    expect(afterFailure(policy, 1_000, 'transient')).toEqual({ retryInMs: 1_000 });
  });

  it('dead-letters a permanent failure once the attempts are used up', () => {
    expect(afterFailure(policy, 1, 'permanent')).toEqual({ retryInMs: 100 });
    expect(afterFailure(policy, 2, 'permanent')).toEqual({ retryInMs: 200 });
    expect(afterFailure(policy, 3, 'permanent')).toEqual({ deadLetter: true });
  });
});

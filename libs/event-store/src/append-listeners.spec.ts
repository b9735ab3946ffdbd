import { afterEach, describe, expect, it } from '@jest/globals';
import { AppendListeners } from './append-listeners.js';
import { sleep, waitFor } from './testing/contract-support.js';

const DELIVERY = [{ stream: 'delivery-rule-1', type: 'NotificationForwarded' }];
const PRESENCE = [{ stream: 'client-GID_a@@@dev-1', type: 'ClientConnected' }];
const DISPATCH_FILTER = { streamPrefixes: ['rules-', 'client-', 'redelivery-'] };

describe('AppendListeners: what wakes a listener with a filter', () => {
  /** The store's head as the poll reads it: what every process has committed. */
  let head = 0;
  let listeners: AppendListeners;
  afterEach(() => listeners.close());

  /** A listener with dispatch's filter and one without, both past their first wake-up, the head known at 10. */
  async function listening(pollIntervalMs: number) {
    head = 10;
    listeners = new AppendListeners({ readHead: async () => head, pollIntervalMs });
    const calls = { filtered: 0, everything: 0 };
    listeners.add(() => calls.filtered++, DISPATCH_FILTER);
    listeners.add(() => calls.everything++);
    await waitFor('the first wake-up', () => calls.filtered === 1 && calls.everything === 1);
    return calls;
  }

  /** This process's transaction of `events` at the positions after the head. */
  function appendHere(events: typeof DELIVERY) {
    const first = head + 1;
    head += events.length;
    listeners.appended(first, head, events);
  }

  it("is left asleep by this process's own appends its filter leaves out, and woken by those it matches", async () => {
    const calls = await listening(5);
    appendHere([...DELIVERY, ...DELIVERY]);
    expect(calls).toEqual({ filtered: 1, everything: 2 });
    await sleep(50); // polls see no head they were not told of
    expect(calls).toEqual({ filtered: 1, everything: 2 });
    appendHere([...DELIVERY, ...PRESENCE]);
    expect(calls).toEqual({ filtered: 2, everything: 3 });
  });

  it('is woken at once when another process appended just before, unseen by the poll yet', async () => {
    const calls = await listening(60_000);
    head += 1; // another process's connect at 11; the next poll is a minute away
    appendHere(DELIVERY); // this process's outcome at 12
    expect(calls).toEqual({ filtered: 2, everything: 2 });
  });

  it("is woken by the poll for another process's append after this process's own that it skipped", async () => {
    const calls = await listening(5);
    appendHere(DELIVERY);
    expect(calls.filtered).toBe(1);
    head += 1; // another process's connect, after the outcome
    await waitFor('the poll to wake the filtered listener', () => calls.filtered === 2, 1_000);
    expect(calls.everything).toBe(3);
  });

  it('matches a filter as readAll does: a stream prefix and a type, each when given', async () => {
    head = 0;
    listeners = new AppendListeners({ readHead: async () => head, pollIntervalMs: 60_000 });
    const woken: string[] = [];
    listeners.add(() => woken.push('types'), { types: ['ClientConnected'] });
    listeners.add(() => woken.push('prefix and type'), {
      streamPrefixes: ['client-'],
      types: ['ClientDisconnected'],
    });
    listeners.add(() => woken.push('none'), { streamPrefixes: [] });
    await waitFor('the first wake-ups', () => woken.length === 3);
    woken.length = 0;
    appendHere(PRESENCE);
    appendHere([{ stream: 'client-GID_a@@@dev-1', type: 'ClientDisconnected' }]);
    appendHere([{ stream: 'other-client-1', type: 'ClientDisconnected' }]);
    expect(woken).toEqual(['types', 'prefix and type']);
  });
});

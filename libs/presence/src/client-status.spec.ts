import { describe, expect, it } from '@jest/globals';
import {
  emptyClientStatus,
  evolveClientStatus,
  isOnline,
  openChannels,
  type StatusInput,
} from './client-status.js';

const event = (seq: number, type: StatusInput['type'], channelId: string): StatusInput => ({
  type,
  seq,
  data: {
    clientId: 'GID_dev@@@d1',
    channelId,
    clientIp: `127.0.0.1:${1000 + seq}`,
    time: 1000 + seq,
    reason: 'accepted',
  },
});

const fold = (events: StatusInput[]) => events.reduce(evolveClientStatus, emptyClientStatus('GID_dev@@@d1'));

/** A small seeded generator, so a failing shuffle can be replayed. */
function shuffled<T>(items: T[], seed: number): T[] {
  const copy = [...items];
  let state = seed;
  for (let i = copy.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    const j = state % (i + 1);
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

describe('online status, per channel', () => {
  it('is online from connect to tcpclean of a channel', () => {
    expect(isOnline(fold([event(1, 'ClientConnected', 'a')]))).toBe(true);
    expect(isOnline(fold([event(1, 'ClientConnected', 'a'), event(2, 'ClientDisconnected', 'a')]))).toBe(
      true,
    );
    const closed = fold([
      event(1, 'ClientConnected', 'a'),
      event(2, 'ClientDisconnected', 'a'),
      event(3, 'ClientConnectionClosed', 'a'),
    ]);
    expect(isOnline(closed)).toBe(false);
    expect(closed.channels).toEqual({});
    expect(closed.lastEvent).toMatchObject({ eventType: 'tcpclean', seq: 3 });
  });

  it('stays online when an old channel closes after a takeover', () => {
    const takeover = fold([
      event(1, 'ClientConnected', 'old'),
      event(2, 'ClientConnected', 'new'),
      event(3, 'ClientConnectionClosed', 'old'),
    ]);
    expect(openChannels(takeover)).toEqual(['new']);
  });

  it('gives the same answer whatever order the events of overlapping channels arrive in', () => {
    // Two overlapping channels, one finished and one still open, plus a finished third one.
    const history = [
      event(1, 'ClientConnected', 'a'),
      event(2, 'ClientConnected', 'b'),
      event(3, 'ClientConnectionClosed', 'a'),
      event(4, 'ClientConnected', 'c'),
      event(5, 'ClientDisconnected', 'c'),
      event(6, 'ClientConnectionClosed', 'c'),
    ];
    const expected = fold(history);
    expect(openChannels(expected)).toEqual(['b']);
    for (let seed = 1; seed <= 500; seed++) {
      const status = fold(shuffled(history, seed));
      expect([openChannels(status), status.lastEvent?.seq]).toEqual([['b'], 6]);
    }
  });
});

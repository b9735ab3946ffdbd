import { describe, expect, it } from '@jest/globals';
import { presenceStreams } from './presence-selection.js';

const event = (stream: string, type = 'ClientConnected') => ({ stream, type });

describe('presenceStreams', () => {
  it('selects every client stream and only presence events', () => {
    const { filter, matches } = presenceStreams({ all: true });
    expect(filter.streamPrefixes).toEqual(['client-']);
    expect(matches(event('client-GID_a@@@1'))).toBe(true);
    expect(matches(event('client-GID_a@@@1', 'NotificationForwarded'))).toBe(false);
    expect(matches(event('refused-GID_a@@@1', 'ClientConnectRefused'))).toBe(false);
  });

  it("selects one group's clients, not a group whose name starts the same", () => {
    const { filter, matches } = presenceStreams({ groupId: 'GID_abc' });
    expect(filter.streamPrefixes).toEqual(['client-GID_abc@@@']);
    expect(matches(event('client-GID_abc@@@dev-1', 'ClientDisconnected'))).toBe(true);
    expect(matches(event('client-GID_abcd@@@dev-1'))).toBe(false);
  });

  it('selects the named clients exactly, not those whose ID they begin', () => {
    const { matches } = presenceStreams({ clientIds: ['GID_a@@@1', 'GID_a@@@2'] });
    expect(matches(event('client-GID_a@@@1', 'ClientConnectionClosed'))).toBe(true);
    expect(matches(event('client-GID_a@@@2'))).toBe(true);
    expect(matches(event('client-GID_a@@@10'))).toBe(false);
  });
});

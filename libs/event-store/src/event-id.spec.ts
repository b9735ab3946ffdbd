import { describe, expect, it } from '@jest/globals';
import { v5 } from 'uuid';
import { eventIdFor, newEventId } from './event-id.js';

describe('event IDs', () => {
  it('gives the same name-based UUIDv5 for the same key, as the uuid package computes it', () => {
    const key = 'NotificationForwarded:rule-1:0190c6a2-7d4e-7b3a-9f00-1234567890ab';
    expect(eventIdFor(key)).toBe(v5(key, '6f1d3c0e-8a4b-4f57-9a52-3be1c7d40a19'));
    expect(eventIdFor(key)).toBe(eventIdFor(key));
    expect(eventIdFor(`${key}x`)).not.toBe(eventIdFor(key));
  });

  it('gives a name-based ID that starts with the given time, the same every time (UUIDv8)', () => {
    const at = Date.UTC(2026, 10, 25, 10);
    const id = eventIdFor('NotificationForwarded:rule-1:event-1', at);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(id).toBe(eventIdFor('NotificationForwarded:rule-1:event-1', at));
    expect(id).not.toBe(eventIdFor('NotificationForwarded:rule-1:event-2', at));
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(at);
    const later = eventIdFor('NotificationForwarded:rule-1:event-0', at + 1);
    expect([later, id].sort()).toEqual([id, later]);
  });

  it('gives new IDs in creation order, also many within one millisecond (UUIDv7 with a counter)', () => {
    const ids = Array.from({ length: 5_000 }, () => newEventId());
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual([...ids].sort());
  });

  it('gives new IDs that sort by creation time (UUIDv7)', () => {
    const ids = Array.from({ length: 50 }, () => newEventId());
    expect(
      ids.every((id) => /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id)),
    ).toBe(true);
    expect(new Set(ids).size).toBe(50);
    expect(ids.map((id) => id.slice(0, 13))).toEqual(ids.map((id) => id.slice(0, 13)).sort());
  });
});

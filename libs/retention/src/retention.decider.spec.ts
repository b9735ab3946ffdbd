import { describe, expect, it } from '@jest/globals';
import { decideRetention, type ExpiringEvent, type RetentionState } from './index.js';

const DAY = 86_400_000;
const NOW = 100 * DAY;

/** Given: one expiring event a day at positions 10, 20, 30 …, the first `count` days before NOW. */
const dailyEvents = (count: number): ExpiringEvent[] =>
  Array.from({ length: count }, (_, day) => ({
    position: (day + 1) * 10,
    occurredAt: NOW - (count - day) * DAY,
  }));

const given = (state: Partial<RetentionState>): RetentionState => ({
  now: NOW,
  retentionMs: 7 * DAY,
  horizon: 0,
  readers: [
    { reader: 'presence.client-status', position: 1_000 },
    { reader: 'rocketmq-dispatch/p0of2', position: 1_000 },
  ],
  expiring: dailyEvents(10),
  ...state,
});

describe('deciding how far retention removes', () => {
  it('removes the events older than the retention period when every reader is past them', () => {
    // Days 10 to 1 before now: the first three (10, 9, 8 days old) are past 7 days.
    expect(decideRetention(given({}))).toEqual({ remove: true, through: 30, occurredAt: NOW - 8 * DAY });
  });

  it('keeps an event exactly as old as the retention period', () => {
    const expiring = [{ position: 5, occurredAt: NOW - 7 * DAY }];
    expect(decideRetention(given({ expiring }))).toEqual({ remove: false, why: 'nothing-expired' });
  });

  it('stops at the first young event, even when older ones follow it', () => {
    const expiring = [
      { position: 5, occurredAt: NOW - 9 * DAY },
      { position: 6, occurredAt: NOW - DAY },
      { position: 7, occurredAt: NOW - 9 * DAY },
    ];
    expect(decideRetention(given({ expiring }))).toMatchObject({ remove: true, through: 5 });
  });

  it('is held back by the slowest reader, and says which', () => {
    const slow = { reader: 'rocketmq-dispatch/p1of2', position: 20 };
    const readers = [...given({}).readers, slow];
    expect(decideRetention(given({ readers }))).toEqual({
      remove: true,
      through: 20,
      occurredAt: NOW - 9 * DAY,
      heldBackBy: slow,
    });
  });

  it('removes nothing while a reader has read none of the expired events', () => {
    const readers = [{ reader: 'delivery.stats', position: 0 }];
    expect(decideRetention(given({ readers }))).toEqual({
      remove: false,
      why: 'held-back',
      heldBackBy: readers[0],
    });
  });

  it('flags a reader that holds back events past retention for more than the retention period', () => {
    // The first event it holds back happened 20 days ago: 13 days past a 7-day retention.
    const expiring = [
      { position: 10, occurredAt: NOW - 21 * DAY },
      { position: 20, occurredAt: NOW - 20 * DAY },
    ];
    const readers = [{ reader: 'rocketmq-dispatch', position: 10 }];
    expect(decideRetention(given({ readers, expiring }))).toEqual({
      remove: true,
      through: 10,
      occurredAt: NOW - 21 * DAY,
      heldBackBy: readers[0],
      lagging: { reader: readers[0], overdueMs: 13 * DAY },
    });
  });

  it('does not flag a reader holding back events that expired less than a period ago', () => {
    const readers = [{ reader: 'rocketmq-dispatch', position: 10 }];
    expect(decideRetention(given({ readers }))).not.toHaveProperty('lagging');
  });

  it('removes nothing when retention is off', () => {
    expect(decideRetention(given({ retentionMs: undefined }))).toEqual({ remove: false, why: 'off' });
  });

  it('never goes back to or below the horizon', () => {
    expect(decideRetention(given({ horizon: 30 }))).toEqual({ remove: false, why: 'nothing-expired' });
    expect(decideRetention(given({ horizon: 10 }))).toMatchObject({ remove: true, through: 30 });
  });

  it('removes nothing from an empty store', () => {
    expect(decideRetention(given({ expiring: [] }))).toEqual({ remove: false, why: 'nothing-expired' });
  });

  it('follows the age limit alone when no reader is known', () => {
    expect(decideRetention(given({ readers: [] }))).toMatchObject({ remove: true, through: 30 });
  });
});

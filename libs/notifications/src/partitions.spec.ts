import { describe, expect, it } from '@jest/globals';
import { partitionOf, planPartitions, type PartitionLease } from './partitions.js';

const NOW = 1_764_000_000_000;
const held = (owner: string, partitions: number[], expiresAt = NOW + 5_000): PartitionLease[] =>
  partitions.map((partition) => ({ partition, owner, expiresAt }));
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, index) => from + index);

describe('partitionOf', () => {
  it('is stable and spreads client IDs over every partition', () => {
    expect(partitionOf('GID_fleet@@@van-1', 16)).toBe(partitionOf('GID_fleet@@@van-1', 16));
    // FNV-1a of "a" is 0xe40c292c: a fixed value, so the mapping never changes between versions.
    expect(partitionOf('a', 1_000_000_007)).toBe(0xe40c292c % 1_000_000_007);
    const counts = Array.from({ length: 16 }, () => 0);
    for (let device = 0; device < 1_600; device++) counts[partitionOf(`GID_fleet@@@van-${device}`, 16)]!++;
    expect(Math.min(...counts)).toBeGreaterThan(60);
    expect(Math.max(...counts)).toBeLessThan(140);
  });
});

describe('planPartitions', () => {
  it('takes every free partition when alone', () => {
    const plan = planPartitions({ partitions: 4, self: 'a', members: [], leases: [], now: NOW });
    expect(plan).toEqual({ acquire: [0, 1, 2, 3], release: [] });
  });

  it('gives back the partitions above its share when another dispatcher joins', () => {
    const leases = held('a', range(0, 16));
    const balance = { partitions: 16, members: ['a', 'b'], leases, now: NOW };
    expect(planPartitions({ ...balance, self: 'a' })).toEqual({ acquire: [], release: range(8, 16) });
    // b waits: every partition is still a's until a releases them.
    expect(planPartitions({ ...balance, self: 'b' })).toEqual({ acquire: [], release: [] });
  });

  it('takes the partitions of a dispatcher whose leases expired', () => {
    const leases = [...held('a', range(0, 8)), ...held('b', range(8, 16), NOW)];
    const plan = planPartitions({ partitions: 16, self: 'a', members: ['a'], leases, now: NOW });
    expect(plan).toEqual({ acquire: range(8, 16), release: [] });
  });

  it('splits partitions that do not divide evenly so the shares add up', () => {
    const shares = ['a', 'b', 'c'].map(
      (self) =>
        planPartitions({ partitions: 16, self, members: ['c', 'a', 'b'], leases: [], now: NOW }).acquire
          .length,
    );
    expect(shares).toEqual([6, 5, 5]);
  });

  it('takes only free partitions, the lowest first, up to its share', () => {
    const leases = [...held('a', [0, 1, 2]), ...held('b', [3])];
    const plan = planPartitions({ partitions: 8, self: 'b', members: ['a', 'b'], leases, now: NOW });
    expect(plan).toEqual({ acquire: [4, 5, 6], release: [] });
  });
});

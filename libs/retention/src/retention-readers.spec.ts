import { describe, expect, it } from '@jest/globals';
import { partitionLeasePrefix } from '#libs/notifications';
import { dispatchReaders, livePartitionCounts } from './index.js';

const NOW = 1_000_000;
const lease = (count: number, partition: number, expiresAt = NOW + 5_000) => ({
  name: `${partitionLeasePrefix(count)}${partition}`,
  expiresAt,
});

describe('which dispatch partitions hold retention back', () => {
  it('are those of the live partition leases, not of a stale count', () => {
    const leases = [
      lease(4, 0),
      lease(4, 3),
      lease(16, 1, NOW - 1),
      { name: 'rocketmq-dispatch/member/a', expiresAt: NOW + 1 },
    ];
    expect(livePartitionCounts(leases, NOW, 16)).toEqual([4]);
  });

  it('are both counts while dispatchers change from one to the other', () => {
    expect(livePartitionCounts([lease(16, 2), lease(4, 1)], NOW, 8)).toEqual([4, 16]);
  });

  it('are the configured ones when no dispatcher is up: what it has not read waits for it', () => {
    expect(livePartitionCounts([lease(4, 0, NOW)], NOW, 8)).toEqual([8]);
  });

  it('stand at their own checkpoint or the single dispatch one, whichever is higher', () => {
    const checkpoints = new Map([
      ['rocketmq-dispatch', 50],
      ['rocketmq-dispatch/p0of2', 80],
      ['rocketmq-dispatch/p1of2', 20],
      ['rocketmq-dispatch/p0of16', 5],
    ]);
    expect(dispatchReaders([2], checkpoints)).toEqual([
      { reader: 'rocketmq-dispatch/p0of2', position: 80 },
      { reader: 'rocketmq-dispatch/p1of2', position: 50 },
    ]);
  });

  it('stand at 0 when dispatch never ran', () => {
    expect(dispatchReaders([1], new Map())).toEqual([{ reader: 'rocketmq-dispatch/p0of1', position: 0 }]);
  });
});

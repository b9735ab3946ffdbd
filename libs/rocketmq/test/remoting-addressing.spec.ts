// How a remoting instance is addressed: its name server list, and the queue that a client ID picks.
import { describe, expect, it } from '@jest/globals';
import { NameServerAddressError, parseNameServer, queueForShardingKey } from '#libs/rocketmq';

describe('parseNameServer', () => {
  it('splits host:port[;host:port…]', () => {
    expect(parseNameServer('10.0.0.1:9876; ns-2.example.com:9876')).toEqual([
      '10.0.0.1:9876',
      'ns-2.example.com:9876',
    ]);
  });

  it.each(['', '10.0.0.1', '10.0.0.1:0', 'ns:99999', 'http://ns:9876', 'ns:9876;'])(
    'refuses %j, naming the field and the rule',
    (nameServer) => {
      expect(() => parseNameServer(nameServer)).toThrow(NameServerAddressError);
      expect(() => parseNameServer(nameServer)).toThrow(/nameServer must be host:port\[;host:port…\]/);
    },
  );
});

describe('queueForShardingKey', () => {
  const queues = ['broker-b', 'broker-a'].flatMap((brokerName) =>
    [3, 2, 1, 0].map((queueId) => ({ topic: 't', brokerName, queueId })),
  );

  it('picks the same queue for a client whatever order the route lists them in', () => {
    const picked = queueForShardingKey(queues, 'GID_x@@@dev-1');
    expect(queueForShardingKey([...queues].reverse(), 'GID_x@@@dev-1')).toEqual(picked);
  });

  it('picks as Java SelectMessageQueueByHash does: |hashCode| modulo the sorted queues', () => {
    // "GID_x@@@dev-1".hashCode() in Java is -1328251820; |h| % 8 = 4: broker-b, queue 0.
    expect(queueForShardingKey(queues, 'GID_x@@@dev-1')).toEqual({
      topic: 't',
      brokerName: 'broker-b',
      queueId: 0,
    });
  });

  it('spreads clients over the queues', () => {
    const picked = new Set(
      Array.from({ length: 64 }, (_, i) => JSON.stringify(queueForShardingKey(queues, `GID_x@@@dev-${i}`))),
    );
    expect(picked.size).toBe(8);
  });
});

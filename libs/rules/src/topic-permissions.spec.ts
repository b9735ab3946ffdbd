import { describe, expect, it } from '@jest/globals';
import { authorizeTopic, type TopicPermissionsData, type TopicRequest } from './index.js';
import { coversFilter, matchesTopic, topicFilterProblem } from './topic-filter.js';

const van = { clientId: 'GID_fleet@@@van-1', groupId: 'GID_fleet', deviceId: 'van-1' };
const remote = (action: TopicRequest['action'], topic: string): TopicRequest => ({
  action,
  topic,
  ...van,
  loopback: false,
});
const local = (action: TopicRequest['action'], topic: string): TopicRequest => ({
  ...remote(action, topic),
  loopback: true,
});
const groupLists = (publish: string[], subscribe: string[]): TopicPermissionsData => ({
  scope: 'group',
  id: 'GID_fleet',
  publish,
  subscribe,
});

describe('the default, when neither the device nor its group has topic permissions', () => {
  it('allows any publish and ordinary subscriptions from anywhere', () => {
    expect(authorizeTopic(undefined, remote('publish', 'anything/at/all'))).toEqual({ allowed: true });
    expect(authorizeTopic(undefined, remote('publish', '$SYS/broker/uptime'))).toEqual({ allowed: true });
    expect(authorizeTopic(undefined, remote('subscribe', 'fleet/#'))).toEqual({ allowed: true });
    expect(authorizeTopic(undefined, remote('subscribe', '+/status'))).toEqual({ allowed: true });
    expect(authorizeTopic(undefined, remote('subscribe', `long/${'x'.repeat(300)}`))).toEqual({
      allowed: true,
    });
  });

  it('refuses #, +/# and $SYS subscriptions from a non-loopback client, naming the default', () => {
    for (const filter of ['#', '+/#', '$SYS/#', '$SYS', '$SYS/broker/clients', '$share/all/#']) {
      expect(authorizeTopic(undefined, remote('subscribe', filter))).toEqual({
        allowed: false,
        rule: 'default: # and $SYS/# subscriptions only from loopback',
      });
    }
  });

  it('allows the same subscriptions from loopback', () => {
    for (const filter of ['#', '+/#', '$SYS/#']) {
      expect(authorizeTopic(undefined, local('subscribe', filter))).toEqual({ allowed: true });
    }
  });
});

describe('allow-lists', () => {
  const lists = groupLists(['fleet/${groupid}/${deviceid}/#'], ['fleet/+/${deviceid}/commands', 'news/#']);

  it('put the requester’s values in the placeholders before matching', () => {
    expect(authorizeTopic(lists, remote('publish', 'fleet/GID_fleet/van-1/gps'))).toEqual({ allowed: true });
    expect(authorizeTopic(lists, remote('publish', 'fleet/GID_fleet/van-2/gps'))).toEqual({
      allowed: false,
      rule: 'not in the group GID_fleet publish allow-list',
    });
    const own = groupLists(['clients/${clientid}'], []);
    expect(authorizeTopic(own, remote('publish', 'clients/GID_fleet@@@van-1'))).toEqual({ allowed: true });
  });

  it('let no requester’s value widen a placeholder into a wildcard or more levels', () => {
    const perDevice = groupLists([], ['fleet/${deviceid}']);
    const tries = { '+': 'fleet/x', '#': 'fleet/x/y', 'a/b': 'fleet/a/b', '': 'fleet/' };
    for (const [deviceId, filter] of Object.entries(tries)) {
      const request = { ...remote('subscribe', filter), deviceId };
      expect(authorizeTopic(perDevice, request).allowed).toBe(false);
    }
  });

  it('match a publish by MQTT rules: # includes the parent level, + is exactly one level', () => {
    expect(authorizeTopic(lists, remote('publish', 'fleet/GID_fleet/van-1'))).toEqual({ allowed: true });
    const oneLevel = groupLists(['a/+/c'], []);
    expect(authorizeTopic(oneLevel, remote('publish', 'a/b/c')).allowed).toBe(true);
    expect(authorizeTopic(oneLevel, remote('publish', 'a/b/x/c')).allowed).toBe(false);
    expect(authorizeTopic(oneLevel, remote('publish', 'a/c')).allowed).toBe(false);
  });

  it('allow a subscription only when an allowed filter covers all it could receive', () => {
    expect(authorizeTopic(lists, remote('subscribe', 'fleet/eu/van-1/commands'))).toEqual({ allowed: true });
    expect(authorizeTopic(lists, remote('subscribe', 'fleet/+/van-1/commands'))).toEqual({ allowed: true });
    expect(authorizeTopic(lists, remote('subscribe', 'news/+/today'))).toEqual({ allowed: true });
    expect(authorizeTopic(lists, remote('subscribe', 'fleet/+/+/commands'))).toEqual({
      allowed: false,
      rule: 'not in the group GID_fleet subscribe allow-list',
    });
    expect(authorizeTopic(groupLists([], ['a/+']), remote('subscribe', 'a/#')).allowed).toBe(false);
  });

  it('are the whole answer: empty lists refuse everything, loopback included', () => {
    const nothing = groupLists([], []);
    expect(authorizeTopic(nothing, local('publish', 'a')).allowed).toBe(false);
    expect(authorizeTopic(nothing, local('subscribe', 'a')).allowed).toBe(false);
  });

  it('never let a leading wildcard reach $ topics (MQTT 4.7.2)', () => {
    const everything = groupLists(['#'], ['#', '+/#']);
    expect(authorizeTopic(everything, remote('subscribe', '#'))).toEqual({ allowed: true });
    expect(authorizeTopic(everything, remote('subscribe', '$SYS/#')).allowed).toBe(false);
    expect(authorizeTopic(everything, remote('publish', '$SYS/x')).allowed).toBe(false);
    const monitoring = groupLists([], ['$SYS/#']);
    expect(authorizeTopic(monitoring, remote('subscribe', '$SYS/broker/+'))).toEqual({ allowed: true });
  });

  it('name the device when the device’s own lists refused', () => {
    const own: TopicPermissionsData = { scope: 'device', id: van.clientId, publish: [], subscribe: [] };
    expect(authorizeTopic(own, remote('subscribe', 'a'))).toEqual({
      allowed: false,
      rule: 'not in the device GID_fleet@@@van-1 subscribe allow-list',
    });
  });

  it('authorize a shared subscription by the filter it shares', () => {
    expect(authorizeTopic(lists, remote('subscribe', '$share/workers/news/today')).allowed).toBe(true);
    expect(authorizeTopic(lists, remote('subscribe', '$share/workers/other')).allowed).toBe(false);
  });

  it('refuse a PUBLISH topic with wildcards and a SUBSCRIBE that is no topic filter', () => {
    const everything = groupLists(['#'], ['#']);
    expect(authorizeTopic(undefined, remote('publish', 'a/+')).allowed).toBe(false);
    expect(authorizeTopic(everything, remote('subscribe', 'a/#/b'))).toEqual({
      allowed: false,
      rule: 'not a valid topic filter',
    });
  });
});

describe('topic filter coverage', () => {
  /** Every valid filter of up to 3 levels over a small alphabet, and every topic of up to 4 levels. */
  const levels = (alphabet: string[], max: number): string[][] =>
    max === 0
      ? [[]]
      : [[], ...alphabet.flatMap((level) => levels(alphabet, max - 1).map((rest) => [level, ...rest]))];
  const unique = (lists: string[][]) => [
    ...new Set(lists.filter((l) => l.length > 0).map((l) => l.join('/'))),
  ];
  const filters = unique(levels(['a', '$SYS', '+', '#'], 3)).filter((f) => !topicFilterProblem(f));
  const topics = unique(levels(['a', 'b', '$SYS', ''], 4)).filter((t) => t !== '');

  it('covers exactly when every topic the requested filter matches is matched by the allowed one', () => {
    const wrong: string[] = [];
    for (const allowed of filters) {
      for (const requested of filters) {
        const received = topics.filter((topic) => matchesTopic(requested, topic));
        const expected = received.every((topic) => matchesTopic(allowed, topic));
        if (coversFilter(allowed, requested) !== expected) wrong.push(`${allowed} ⊇ ${requested}`);
      }
    }
    expect(filters.length).toBeGreaterThan(50);
    expect(wrong).toEqual([]);
  });
});

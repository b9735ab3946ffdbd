import { describe, expect, it } from '@jest/globals';
import type { ControlPlaneCommand } from './index.js';
import { given, group, refusal, when } from './testing/control-plane.fixtures.js';

const set = (scope: 'group' | 'device', id: string, input: unknown): ControlPlaneCommand => ({
  type: 'SetTopicPermissions',
  data: { scope, id, input },
});
const remove = (scope: 'group' | 'device', id: string): ControlPlaneCommand => ({
  type: 'RemoveTopicPermissions',
  data: { scope, id },
});
const lists = { publish: ['fleet/${deviceid}/#'], subscribe: ['fleet/${deviceid}/commands', 'news/+'] };

describe('topic permissions', () => {
  it('records the lists of a registered group, or of a device of one, and replaces them on the next set', () => {
    const state = given(group('GID_fleet'));
    expect(when(state, set('group', 'GID_fleet', lists))).toEqual([
      { type: 'TopicPermissionsSet', data: { scope: 'group', id: 'GID_fleet', ...lists } },
    ]);
    const replaced = given(
      group('GID_fleet'),
      ...when(state, set('group', 'GID_fleet', lists)),
      ...when(state, set('group', 'GID_fleet', { publish: [], subscribe: ['a/b'] })),
    );
    expect(replaced.topicPermissions).toEqual({
      'group:GID_fleet': { scope: 'group', id: 'GID_fleet', publish: [], subscribe: ['a/b'] },
    });
    expect(when(state, set('device', 'GID_fleet@@@van-1', lists))).toEqual([
      { type: 'TopicPermissionsSet', data: { scope: 'device', id: 'GID_fleet@@@van-1', ...lists } },
    ]);
  });

  it('refuses each bad filter naming the entry and the rule, and writes nothing', () => {
    const state = given(group('GID_fleet'));
    const input = {
      publish: ['a/b+', 'a/#/b', '', 'x'.repeat(257), 'a\u0000b', 'ok/${clientid}', 'a/${username}'],
      subscribe: [42, '#'],
    };
    expect(refusal(state, set('group', 'GID_fleet', input)).violations).toEqual([
      expect.objectContaining({ field: 'publish[0]', rule: 'wildcard' }),
      expect.objectContaining({ field: 'publish[1]', rule: 'wildcard' }),
      expect.objectContaining({ field: 'publish[2]', rule: 'length' }),
      expect.objectContaining({ field: 'publish[3]', rule: 'length' }),
      expect.objectContaining({ field: 'publish[4]', rule: 'characters' }),
      expect.objectContaining({ field: 'publish[6]', rule: 'placeholder' }),
      expect.objectContaining({ field: 'subscribe[0]', rule: 'type' }),
    ]);
  });

  it('requires both lists as arrays of at most 100 filters, and nothing else in the body', () => {
    const state = given(group('GID_fleet'));
    const hundredAndOne = Array.from({ length: 101 }, (_, i) => `t/${i}`);
    expect(
      refusal(state, set('group', 'GID_fleet', { publish: 'a/b', extra: true })).violations.map((v) => [
        v.field,
        v.rule,
      ]),
    ).toEqual([
      ['extra', 'unknown'],
      ['publish', 'type'],
      ['subscribe', 'required'],
    ]);
    expect(
      refusal(state, set('group', 'GID_fleet', { publish: hundredAndOne, subscribe: [] })).violations,
    ).toEqual([expect.objectContaining({ field: 'publish', rule: 'limit' })]);
    expect(refusal(state, set('group', 'GID_fleet', [])).violations[0]).toMatchObject({ rule: 'type' });
  });

  it('refuses unknown groups, malformed client IDs and an unknown scope', () => {
    const state = given(group('GID_fleet'));
    expect(refusal(state, set('group', 'GID_nobody', lists)).code).toBe('GROUP_NOT_FOUND');
    expect(refusal(state, set('device', 'GID_nobody@@@van-1', lists)).code).toBe('GROUP_NOT_FOUND');
    expect(refusal(state, set('device', 'van-1', lists)).violations[0]).toMatchObject({
      field: 'clientId',
      rule: 'pattern',
    });
    const odd = { type: 'SetTopicPermissions', data: { scope: 'everyone', id: 'GID_fleet', input: lists } };
    expect(refusal(state, odd as ControlPlaneCommand).violations[0]).toMatchObject({
      field: 'scope',
      rule: 'enum',
    });
  });

  it('removes the lists, and refuses to remove lists that were never set', () => {
    const state = given(
      group('GID_fleet'),
      ...when(given(group('GID_fleet')), set('group', 'GID_fleet', lists)),
    );
    expect(when(state, remove('group', 'GID_fleet'))).toEqual([
      { type: 'TopicPermissionsRemoved', data: { scope: 'group', id: 'GID_fleet' } },
    ]);
    const removed = given(
      group('GID_fleet'),
      ...when(given(group('GID_fleet')), set('group', 'GID_fleet', lists)),
      ...when(state, remove('group', 'GID_fleet')),
    );
    expect(removed.topicPermissions).toEqual({});
    expect(refusal(state, remove('device', 'GID_fleet@@@van-1')).code).toBe('TOPIC_PERMISSIONS_NOT_FOUND');
  });

  it('drops a deleted group’s lists and its devices’ own, keeping other groups’', () => {
    const groups = given(group('GID_fleet'), group('GID_other'));
    const deleted = given(
      group('GID_fleet'),
      group('GID_other'),
      ...when(groups, set('group', 'GID_fleet', lists)),
      ...when(groups, set('device', 'GID_fleet@@@van-1', lists)),
      ...when(groups, set('group', 'GID_other', lists)),
      { type: 'GroupDeleted', data: { groupId: 'GID_fleet' } },
    );
    expect(Object.keys(deleted.topicPermissions)).toEqual(['group:GID_other']);
  });
});

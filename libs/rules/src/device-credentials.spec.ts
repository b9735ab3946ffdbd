import { describe, expect, it } from '@jest/globals';
import type { ControlPlaneCommand } from './index.js';
import { given, group, refusal, when } from './testing/control-plane.fixtures.js';

const set = (scope: 'group' | 'device', id: string, input: unknown): ControlPlaneCommand => ({
  type: 'SetDeviceCredentials',
  data: { scope, id, input, passwordHash: 'pbkdf2-sha256$1$salt$hash' },
});

describe('device credentials', () => {
  it('records only the hash for a registered group or a device of one', () => {
    const state = given(group('GID_fleet'));
    expect(when(state, set('group', 'GID_fleet', { username: 'fleet', password: 'long-enough' }))).toEqual([
      {
        type: 'DeviceCredentialsSet',
        data: {
          scope: 'group',
          id: 'GID_fleet',
          username: 'fleet',
          passwordHash: 'pbkdf2-sha256$1$salt$hash',
        },
      },
    ]);
    const [event] = when(
      state,
      set('device', 'GID_fleet@@@van-1', { username: 'van-1', password: 'long-enough' }),
    );
    expect(JSON.stringify(event)).not.toContain('long-enough');
  });

  it('refuses short passwords, unknown groups and malformed client IDs', () => {
    const state = given(group('GID_fleet'));
    expect(
      refusal(state, set('group', 'GID_fleet', { username: 'fleet', password: 'short' })).violations[0],
    ).toMatchObject({
      field: 'password',
      rule: 'length',
    });
    expect(refusal(state, set('group', 'GID_nobody', { username: 'x', password: 'long-enough' })).code).toBe(
      'GROUP_NOT_FOUND',
    );
    expect(
      refusal(state, set('device', 'van-1', { username: 'x', password: 'long-enough' })).violations[0],
    ).toMatchObject({
      field: 'clientId',
    });
  });

  it('removes credentials, and a deleted group takes its credentials with it', () => {
    const withCredentials = given(
      group('GID_fleet'),
      ...when(
        given(group('GID_fleet')),
        set('group', 'GID_fleet', { username: 'fleet', password: 'long-enough' }),
      ),
    );
    expect(Object.keys(withCredentials.credentials)).toEqual(['group:GID_fleet']);
    expect(
      when(withCredentials, { type: 'RemoveDeviceCredentials', data: { scope: 'group', id: 'GID_fleet' } }),
    ).toHaveLength(1);
    expect(
      refusal(given(group('GID_fleet')), {
        type: 'RemoveDeviceCredentials',
        data: { scope: 'group', id: 'GID_fleet' },
      }).code,
    ).toBe('CREDENTIALS_NOT_FOUND');
    const deviceCredentials = when(
      given(group('GID_fleet')),
      set('device', 'GID_fleet@@@van-1', { username: 'v', password: 'long-enough' }),
    );
    const deleted = given(group('GID_fleet'), ...deviceCredentials, {
      type: 'GroupDeleted',
      data: { groupId: 'GID_fleet' },
    });
    expect(deleted.credentials).toEqual({});
  });
});

import { describe, expect, it } from '@jest/globals';
import { channelIdFromUuid, isValidGroupId, parseClientId } from './identifiers.js';

describe('group IDs', () => {
  it.each(['GID_abc', 'GID-a_b-c', 'GID_' + 'x'.repeat(60)])('accepts %s', (id) => {
    expect(isValidGroupId(id)).toBe(true);
  });

  it.each(['GID_ab', 'gid_abc', 'GID_abc!', 'GIDabcd', 'GID_' + 'x'.repeat(61)])('refuses %s', (id) => {
    expect(isValidGroupId(id)).toBe(false);
  });
});

describe('client IDs', () => {
  it('splits group and device at the first @@@', () => {
    expect(parseClientId('GID_test@@@dev-01')).toEqual({
      ok: true,
      clientId: 'GID_test@@@dev-01',
      groupId: 'GID_test',
      deviceId: 'dev-01',
    });
  });

  it.each([
    ['GID_test@dev', 'no "@@@"'],
    ['GID_test@@@dev@@@2', 'device ID'],
    ['GID_x@@@dev', 'group ID'],
    ['GID_test@@@', 'device ID'],
    ['GID_test@@@' + 'd'.repeat(54), 'longer than 64'],
  ])('refuses %s (%s)', (clientId, problem) => {
    const parsed = parseClientId(clientId);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.problem).toContain(problem);
  });

  it('accepts exactly 64 characters', () => {
    expect(parseClientId('GID_test@@@' + 'd'.repeat(53)).ok).toBe(true);
  });
});

it('makes channel IDs of 32 lower-case hex characters', () => {
  expect(channelIdFromUuid('2B9B1281-0460-46FA-AFE5-E0B458E4A1B2')).toBe('2b9b1281046046faafe5e0b458e4a1b2');
});

import { describe, expect, it } from '@jest/globals';
import type { ControlPlaneCommand } from './index.js';
import {
  given,
  group,
  refusal,
  ruleBody,
  ruleCreated,
  when,
  worldEvents,
} from './testing/control-plane.fixtures.js';

const withRule = () => given(...worldEvents(), ruleCreated('rule-1', 'GID_devices'));
const update = (input: unknown, ...expectedVersions: number[]): ControlPlaneCommand => ({
  type: 'UpdateRule',
  data: { ruleId: 'rule-1', input, ...(expectedVersions.length > 0 && { expectedVersions }) },
});

describe('editing a rule', () => {
  it('records the whole new definition; the rule keeps its ID', () => {
    const { ruleId: _id, ...body } = ruleBody('rule-1', 'GID_sensors', { description: 'moved' });
    expect(when(withRule(), update(body))).toEqual([
      { type: 'RuleUpdated', data: ruleBody('rule-1', 'GID_sensors', { description: 'moved' }) },
    ]);
  });

  it('refuses another rule ID in the body', () => {
    const error = refusal(withRule(), update(ruleBody('rule-2')));
    expect(error.violations[0]).toMatchObject({ field: 'ruleId', rule: 'immutable' });
  });

  it('runs the create-time checks again, the rule itself excluded', () => {
    const state = given(
      ...worldEvents(),
      ruleCreated('rule-1', 'GID_devices'),
      ruleCreated('rule-2', 'GID_sensors'),
    );
    const { ruleId: _id, ...sameGroup } = ruleBody('rule-1', 'GID_devices', { status: 'DISABLED' });
    expect(when(state, update(sameGroup))).toHaveLength(1);
    const { ruleId: _id2, ...takenGroup } = ruleBody('rule-1', 'GID_sensors');
    expect(refusal(state, update(takenGroup)).code).toBe('GROUP_ALREADY_HAS_RULE');
  });

  it('refuses a stale If-Match version and accepts the current one', () => {
    const { ruleId: _id, ...body } = ruleBody('rule-1');
    expect(refusal(withRule(), update(body, 4)).code).toBe('RULE_VERSION_MISMATCH');
    expect(when(withRule(), update(body, 5))).toHaveLength(1);
  });

  it('accepts an If-Match naming several versions when one is current, and refuses one naming none', () => {
    const { ruleId: _id, ...body } = ruleBody('rule-1');
    expect(when(withRule(), update(body, 4, 5))).toHaveLength(1);
    const command: ControlPlaneCommand = {
      type: 'UpdateRule',
      data: { ruleId: 'rule-1', input: body, expectedVersions: [] },
    };
    expect(refusal(withRule(), command)).toMatchObject({
      code: 'RULE_VERSION_MISMATCH',
      message: 'rule rule-1 is at version 5, which If-Match does not name: read it again and retry',
    });
  });

  it('refuses an unknown rule', () => {
    expect(refusal(given(...worldEvents()), update(ruleBody('rule-1'))).code).toBe('RULE_NOT_FOUND');
  });
});

describe('enabling, disabling and deleting', () => {
  const command = (
    type: 'EnableRule' | 'DisableRule' | 'DeleteRule',
    expectedVersion?: number,
  ): ControlPlaneCommand => ({
    type,
    data: { ruleId: 'rule-1', ...(expectedVersion !== undefined && { expectedVersions: [expectedVersion] }) },
  });

  it('disables an enabled rule and enables it again', () => {
    expect(when(withRule(), command('DisableRule'))).toEqual([
      { type: 'RuleDisabled', data: { ruleId: 'rule-1' } },
    ]);
    const disabled = given(...worldEvents(), ruleCreated('rule-1', 'GID_devices'), {
      type: 'RuleDisabled',
      data: { ruleId: 'rule-1' },
    });
    expect(disabled.rules['rule-1']).toMatchObject({
      status: 'DISABLED',
      version: 6,
      updatedAt: 1005,
      createdAt: 1004,
    });
    expect(when(disabled, command('EnableRule'))).toEqual([
      { type: 'RuleEnabled', data: { ruleId: 'rule-1' } },
    ]);
  });

  it('records nothing when the status is already the asked one', () => {
    expect(when(withRule(), command('EnableRule'))).toEqual([]);
  });

  it('frees the rule ID and the group on delete', () => {
    expect(when(withRule(), command('DeleteRule', 5))).toEqual([
      { type: 'RuleDeleted', data: { ruleId: 'rule-1' } },
    ]);
    const deleted = given(...worldEvents(), ruleCreated('rule-1', 'GID_devices'), {
      type: 'RuleDeleted',
      data: { ruleId: 'rule-1' },
    });
    expect(deleted.rules).toEqual({});
    expect(
      when(deleted, { type: 'CreateRule', data: { input: ruleBody('rule-1', 'GID_devices') } }),
    ).toHaveLength(1);
  });

  it('refuses a stale version for every change', () => {
    for (const type of ['EnableRule', 'DisableRule', 'DeleteRule'] as const) {
      expect(refusal(withRule(), command(type, 1)).code).toBe('RULE_VERSION_MISMATCH');
    }
  });
});

it('keeps group registration independent of rules', () => {
  expect(given(group('GID_a')).groups['GID_a']).toMatchObject({ groupId: 'GID_a', createdAt: 1000 });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ruleBody, startRuleManager, UNREACHABLE_ROCKETMQ } from './support/rule-manager-harness.js';

/** Editing, enabling, disabling and deleting rules over HTTP, with optimistic concurrency (ETag / If-Match). */
let api: Awaited<ReturnType<typeof startRuleManager>>;

beforeAll(async () => {
  api = await startRuleManager();
  for (const groupId of ['GID_api', 'GID_api2']) await api.call('POST', '/api/v1/groups', { groupId });
  await api.call('POST', '/api/v1/rocketmq-instances', {
    instanceId: 'rmq-api',
    region: 'local',
    endpoints: UNREACHABLE_ROCKETMQ,
  });
  await api.call('POST', '/api/v1/rules', ruleBody('life'));
});

afterAll(() => api.stop());

const { ruleId: _ruleId, ...editable } = ruleBody('life', 'GID_api2', {
  description: 'moved to the second group',
});

describe('rule lifecycle over HTTP', () => {
  it('edits a rule with the current If-Match and answers the new ETag', async () => {
    const current = await api.call('GET', '/api/v1/rules/life');
    const edited = await api.call('PUT', '/api/v1/rules/life', editable, { 'if-match': current.etag! });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({
      ruleId: 'life',
      source: { groupId: 'GID_api2' },
      description: 'moved to the second group',
    });
    expect(edited.etag).toBe(`"${edited.body['version']}"`);
    expect(Number(edited.body['version'])).toBeGreaterThan(Number(current.body['version']));
  });

  it('answers 412 to a stale If-Match and changes nothing', async () => {
    const before = await api.store.headPosition();
    const stale = await api.call(
      'PUT',
      '/api/v1/rules/life',
      { ...editable, description: 'lost update' },
      { 'if-match': '"1"' },
    );
    expect(stale.status).toBe(412);
    expect(stale.body).toMatchObject({ code: 'RULE_VERSION_MISMATCH', errors: [{ field: 'If-Match' }] });
    expect(await api.store.headPosition()).toBe(before);
    expect((await api.call('GET', '/api/v1/rules/life')).body['description']).toBe(
      'moved to the second group',
    );
  });

  it('disables and enables a rule', async () => {
    expect((await api.call('POST', '/api/v1/rules/life/disable')).body).toMatchObject({ status: 'DISABLED' });
    expect((await api.call('POST', '/api/v1/rules/life/enable')).body).toMatchObject({ status: 'ENABLED' });
  });

  it('deletes a rule (204), then answers 404, and the rule ID can be used again', async () => {
    expect((await api.call('DELETE', '/api/v1/rules/life')).status).toBe(204);
    expect((await api.call('GET', '/api/v1/rules/life')).status).toBe(404);
    expect((await api.call('POST', '/api/v1/rules/life/enable')).body).toMatchObject({
      status: 404,
      code: 'RULE_NOT_FOUND',
    });
    expect((await api.call('POST', '/api/v1/rules', ruleBody('life'))).status).toBe(201);
  });

  it('answers 412, changing nothing, to an If-Match that matches no version, whatever its form', async () => {
    const before = await api.store.headPosition();
    for (const ifMatch of ['yesterday', '5', 'W/"1"', '"x"', '"998", "999"']) {
      const refused = await api.call('DELETE', '/api/v1/rules/life', undefined, { 'if-match': ifMatch });
      expect({ ifMatch, ...refused.body }).toMatchObject({
        ifMatch,
        status: 412,
        code: 'RULE_VERSION_MISMATCH',
        errors: [{ field: 'If-Match', rule: 'current-version' }],
      });
    }
    expect(await api.store.headPosition()).toBe(before);
  });

  it('takes If-Match: * and a list naming the current version (RFC 9110)', async () => {
    const { etag } = await api.call('GET', '/api/v1/rules/life');
    const listed = await api.call('POST', '/api/v1/rules/life/disable', undefined, {
      'if-match': `"1", ${etag}`,
    });
    expect(listed.body).toMatchObject({ status: 'DISABLED' });
    const any = await api.call('POST', '/api/v1/rules/life/enable', undefined, { 'if-match': '*' });
    expect(any.body).toMatchObject({ status: 'ENABLED' });
  });

  it('shows the history of both lives of the rule ID, with actor, correlation ID and changes', async () => {
    const history = await api.call('GET', '/api/v1/rules/life/history', undefined, {
      'x-correlation-id': 'ignored-on-get',
    });
    expect(history.body['items'].map((e: { type: string }) => e.type)).toEqual([
      'RuleCreated',
      'RuleUpdated',
      'RuleDisabled',
      'RuleEnabled',
      'RuleDeleted',
      'RuleCreated',
      'RuleDisabled',
      'RuleEnabled',
    ]);
    expect(history.body['items'][1]).toMatchObject({
      actor: 'ops',
      changes: { 'source.groupId': { before: 'GID_api', after: 'GID_api2' } },
    });
    expect(history.body['items'][1]['correlationId']).toMatch(/^[\w.:-]+$/);
    expect((await api.call('GET', '/api/v1/rules/never/history')).status).toBe(404);
  });
});

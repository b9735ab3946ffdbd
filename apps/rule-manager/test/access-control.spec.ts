import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ruleBody, startRuleManager, VIEWER_SECRET } from './support/rule-manager-harness.js';

/** Bearer tokens from API_TOKENS: admin may write, viewer may read; the token's name is the events' actor. */
let api: Awaited<ReturnType<typeof startRuleManager>>;

beforeAll(async () => {
  api = await startRuleManager();
});

afterAll(() => api.stop());

describe('access control', () => {
  it('answers 401 with a problem and WWW-Authenticate when the token is missing or wrong', async () => {
    for (const authorization of ['', 'Bearer not-a-token', 'Basic b3BzOnNlY3JldA==']) {
      const response = await fetch(`${api.base}/api/v1/rules`, {
        headers: authorization ? { authorization } : {},
      });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toContain('Bearer');
      expect(await response.json()).toMatchObject({ status: 401, title: 'Unauthorized' });
    }
  });

  it('lets a viewer read but answers 403 to its writes, writing nothing', async () => {
    const viewer = { authorization: `Bearer ${VIEWER_SECRET}` };
    expect((await api.call('GET', '/api/v1/rules', undefined, viewer)).status).toBe(200);
    const before = await api.store.headPosition();
    const refused = await api.call('POST', '/api/v1/groups', { groupId: 'GID_viewer' }, viewer);
    expect(refused.status).toBe(403);
    expect(refused.body['detail']).toContain('viewer');
    expect(await api.store.headPosition()).toBe(before);
  });

  it('lets a viewer ask the batch status query, a POST that only reads', async () => {
    const viewer = { authorization: `Bearer ${VIEWER_SECRET}` };
    const clientIds = ['GID_viewer@@@van-1'];
    const answered = await api.call('POST', '/api/v1/clients/status:batch', { clientIds }, viewer);
    expect(answered).toMatchObject({
      status: 200,
      body: { items: [{ clientId: clientIds[0], online: false }] },
    });
  });

  it('records the admin token name as the actor of the events it causes', async () => {
    await api.call('POST', '/api/v1/groups', { groupId: 'GID_actor' });
    const [event] = await api.store.readAll(0, { limit: 1 });
    expect(event).toMatchObject({ type: 'GroupRegistered', metadata: { actor: 'ops' } });
    expect(event!.metadata.correlationId).toMatch(/^[\w.:-]+$/);
  });

  it('tells a token its name and role at /api/v1/session', async () => {
    expect((await api.call('GET', '/api/v1/session')).body).toEqual({ name: 'ops', role: 'admin' });
    const viewer = { authorization: `Bearer ${VIEWER_SECRET}` };
    expect((await api.call('GET', '/api/v1/session', undefined, viewer)).body).toEqual({
      name: 'dashboard',
      role: 'viewer',
    });
    expect((await fetch(`${api.base}/api/v1/session`)).status).toBe(401);
  });

  it('keeps /health open for probes', async () => {
    expect((await fetch(`${api.base}/health`)).status).toBe(200);
  });

  it('refuses writes of a rule by a viewer too', async () => {
    const viewer = { authorization: `Bearer ${VIEWER_SECRET}` };
    expect((await api.call('POST', '/api/v1/rules', ruleBody('x-rule'), viewer)).status).toBe(403);
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ClientProxyFactory, type ClientProxy } from '@nestjs/microservices';
import { firstValueFrom, timeout } from 'rxjs';
import { BUS_PATTERNS, busClientOptions } from '#libs/platform';
import { freePort } from '../../../test/support/app-processes.js';
import { startRuleManager, VIEWER_SECRET } from './support/rule-manager-harness.js';

/** Publish/subscribe allow-lists per group and per device over HTTP, on a real SQLite store. */
let api: Awaited<ReturnType<typeof startRuleManager>>;
let bus: ClientProxy;

const GROUP = '/api/v1/groups/GID_perms/topic-permissions';
const DEVICE = '/api/v1/clients/GID_perms@@@van-1/topic-permissions';
const lists = { publish: ['fleet/${deviceid}/#'], subscribe: ['fleet/${deviceid}/commands'] };
const viewer = { authorization: `Bearer ${VIEWER_SECRET}` };
const permissionEvents = async () =>
  (await api.store.readAll(0, { limit: 1000 })).filter((e) => e.type.startsWith('TopicPermissions'));

beforeAll(async () => {
  const busUrl = `tcp://127.0.0.1:${await freePort()}`;
  api = await startRuleManager({ BUS_URL: busUrl }, { bus: true });
  bus = ClientProxyFactory.create(busClientOptions(busUrl, 'rule-manager', api.busCaller('provisioning')));
  await bus.connect();
  await api.call('POST', '/api/v1/groups', { groupId: 'GID_perms' });
});

afterAll(async () => {
  await bus.close();
  await api.stop();
});

describe('topic permissions', () => {
  it('sets a group’s lists, answers them on GET and records who set them', async () => {
    expect(await api.call('PUT', GROUP, lists)).toMatchObject({
      status: 200,
      body: { scope: 'group', id: 'GID_perms', ...lists },
    });
    expect((await api.call('GET', GROUP)).body).toEqual({ scope: 'group', id: 'GID_perms', ...lists });
    expect(await permissionEvents()).toEqual([
      expect.objectContaining({
        type: 'TopicPermissionsSet',
        data: { scope: 'group', id: 'GID_perms', ...lists },
        metadata: expect.objectContaining({ actor: 'ops' }),
      }),
    ]);
  });

  it('replaces the lists on the next PUT', async () => {
    await api.call('PUT', GROUP, { publish: [], subscribe: ['news/#'] });
    expect((await api.call('GET', GROUP)).body).toEqual({
      scope: 'group',
      id: 'GID_perms',
      publish: [],
      subscribe: ['news/#'],
    });
  });

  it('keeps a device’s own lists apart from its group’s, and removes them', async () => {
    expect((await api.call('GET', DEVICE)).body).toMatchObject({
      status: 404,
      code: 'TOPIC_PERMISSIONS_NOT_FOUND',
    });
    expect((await api.call('PUT', DEVICE, lists)).body).toEqual({
      scope: 'device',
      id: 'GID_perms@@@van-1',
      ...lists,
    });
    expect((await api.call('DELETE', DEVICE)).status).toBe(204);
    expect((await api.call('GET', DEVICE)).status).toBe(404);
    expect((await api.call('GET', GROUP)).body).toMatchObject({ subscribe: ['news/#'] });
    expect((await permissionEvents()).at(-1)).toMatchObject({
      type: 'TopicPermissionsRemoved',
      data: { scope: 'device', id: 'GID_perms@@@van-1' },
    });
  });

  it('answers 400 naming the entry and the rule for a bad filter, writing nothing', async () => {
    const before = await api.store.headPosition();
    const refused = await api.call('PUT', GROUP, { publish: ['fleet/#/gps'], subscribe: [] });
    expect(refused).toMatchObject({
      status: 400,
      type: expect.stringContaining('application/problem+json'),
      body: { code: 'VALIDATION_FAILED', errors: [{ field: 'publish[0]', rule: 'wildcard' }] },
    });
    expect(await api.store.headPosition()).toBe(before);
    expect((await api.call('GET', GROUP)).body).toMatchObject({ subscribe: ['news/#'] });
  });

  it('answers 404 for an unknown group, on PUT, GET and DELETE', async () => {
    const unknown = '/api/v1/groups/GID_nobody/topic-permissions';
    expect((await api.call('PUT', unknown, lists)).body).toMatchObject({
      status: 404,
      code: 'GROUP_NOT_FOUND',
    });
    expect((await api.call('GET', unknown)).body).toMatchObject({ status: 404, code: 'GROUP_NOT_FOUND' });
    expect((await api.call('DELETE', unknown)).status).toBe(404);
  });

  it('lets a viewer read the lists but answers 403 to its changes, writing nothing', async () => {
    expect((await api.call('GET', GROUP, undefined, viewer)).status).toBe(200);
    const before = await api.store.headPosition();
    expect((await api.call('PUT', GROUP, lists, viewer)).status).toBe(403);
    expect((await api.call('DELETE', GROUP, undefined, viewer)).status).toBe(403);
    expect(await api.store.headPosition()).toBe(before);
  });

  it('takes the same commands over the bus, recording the caller its proof names', async () => {
    const answer = await firstValueFrom(
      bus
        .send(BUS_PATTERNS.controlPlaneCommand, {
          command: { type: 'SetTopicPermissions', data: { scope: 'group', id: 'GID_perms', input: lists } },
          actor: 'ops',
        })
        .pipe(timeout(10_000)),
    );
    expect(answer).toMatchObject({ ok: true, events: [{ type: 'TopicPermissionsSet' }] });
    expect((await api.call('GET', GROUP)).body).toMatchObject(lists);
    expect((await permissionEvents()).at(-1)).toMatchObject({ metadata: { actor: 'bus:provisioning' } });
  });

  it('forgets a group’s lists when the group is deleted', async () => {
    expect((await api.call('DELETE', '/api/v1/groups/GID_perms')).status).toBe(204);
    await api.call('POST', '/api/v1/groups', { groupId: 'GID_perms' });
    expect((await api.call('GET', GROUP)).body).toMatchObject({ code: 'TOPIC_PERMISSIONS_NOT_FOUND' });
  });
});

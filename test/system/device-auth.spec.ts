import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import { openEventStore, type EventStore } from '#libs/event-store';
import { isolatedEnv, startApp, type RunningApp } from '../support/app-processes.js';
import { connackCode as connack, connectedClient } from '../support/mqtt-clients.js';
import { apiOf, eventually } from '../support/system-clients.js';

/** Device authentication with anonymous access off: group and device credentials managed through the API. */
let env: Record<string, string>;
let apps: RunningApp[] = [];
let store: EventStore;

/** The CONNACK return code a 3.1.1 client gets: 0 accepted, 4 bad user name or password, 5 not authorized. */
const connackCode = (clientId: string, username?: string, password?: string): Promise<number> =>
  connack(`mqtt://127.0.0.1:${env['MQTT_PORT']}`, {
    clientId,
    ...(username !== undefined && { username, password }),
  });

/** presence-ingest follows the control plane within milliseconds; a test waits for it like a device would retry. */
async function eventuallyCode(expected: number, ...args: Parameters<typeof connackCode>): Promise<number> {
  const deadline = Date.now() + 5_000;
  let code = await connackCode(...args);
  while (code !== expected && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    code = await connackCode(...args);
  }
  return code;
}

const api = (...args: Parameters<ReturnType<typeof apiOf>>) => apiOf(env)(...args);

beforeAll(async () => {
  env = await isolatedEnv({ MQTT_ALLOW_ANONYMOUS: 'false' });
  apps = [await startApp('rule-manager', env), await startApp('presence-ingest', env)];
  store = await openEventStore(`sqlite:${join(env['DATA_DIR']!, 'events.db')}`);
  await api('POST', '/api/v1/groups', { groupId: 'GID_secure' });
}, 60_000);

afterAll(async () => {
  await Promise.all(apps.map((app) => app.stop()));
  await store.close();
});

describe('device authentication', () => {
  it('refuses clients without credentials when anonymous access is off', async () => {
    expect(apps[1]!.output()).toContain('anonymous refused');
    expect(await eventuallyCode(5, 'GID_secure@@@van-1')).toBe(5);
  });

  it('admits a group username/password and refuses a wrong one', async () => {
    const set = await api('PUT', '/api/v1/groups/GID_secure/credentials', {
      username: 'fleet',
      password: 'fleet-password-1',
    });
    expect(set).toEqual({ status: 200, body: { scope: 'group', id: 'GID_secure', username: 'fleet' } });
    expect(await eventuallyCode(0, 'GID_secure@@@van-1', 'fleet', 'fleet-password-1')).toBe(0);
    expect(await connackCode('GID_secure@@@van-1', 'fleet', 'wrong-password')).toBe(4);
    expect(await connackCode('GID_secure@@@van-1', 'someone', 'fleet-password-1')).toBe(4);
  });

  it('lets a device’s own credentials win over its group’s', async () => {
    await api('PUT', '/api/v1/clients/GID_secure@@@van-1/credentials', {
      username: 'van-1',
      password: 'van-password-1',
    });
    expect(await eventuallyCode(4, 'GID_secure@@@van-1', 'fleet', 'fleet-password-1')).toBe(4);
    expect(await connackCode('GID_secure@@@van-1', 'van-1', 'van-password-1')).toBe(0);
    expect(await connackCode('GID_secure@@@van-2', 'fleet', 'fleet-password-1')).toBe(0);
    expect((await api('DELETE', '/api/v1/clients/GID_secure@@@van-1/credentials')).status).toBe(204);
    expect(await eventuallyCode(0, 'GID_secure@@@van-1', 'fleet', 'fleet-password-1')).toBe(0);
  });

  it('admits the original product’s signature mode with an access key from the API', async () => {
    const created = await api('POST', '/api/v1/access-keys', { description: 'backend fleet tool' });
    expect(created.status).toBe(201);
    const { accessKeyId, accessKeySecret } = created.body as { accessKeyId: string; accessKeySecret: string };
    const sign = (clientId: string, secret = accessKeySecret) =>
      createHmac('sha1', secret).update(clientId).digest('base64');
    const username = `Signature|${accessKeyId}|${env['INSTANCE_ID']}`;
    expect(await eventuallyCode(0, 'GID_secure@@@signed', username, sign('GID_secure@@@signed'))).toBe(0);
    expect(await connackCode('GID_secure@@@signed', username, sign('GID_secure@@@other'))).toBe(4);
    expect(
      await connackCode('GID_secure@@@signed', username, sign('GID_secure@@@signed', 'not-the-secret')),
    ).toBe(4);
    expect(
      await connackCode(
        'GID_secure@@@signed',
        `Signature|${accessKeyId}|another-instance`,
        sign('GID_secure@@@signed'),
      ),
    ).toBe(4);

    const listed = await api('GET', '/api/v1/access-keys');
    expect(listed.body['items']).toEqual([
      expect.objectContaining({ accessKeyId, description: 'backend fleet tool' }),
    ]);
    expect(JSON.stringify(listed.body)).not.toContain(accessKeySecret);
    expect(JSON.stringify(await store.readAll(0, { limit: 10_000 }))).not.toContain(accessKeySecret);

    expect((await api('DELETE', `/api/v1/access-keys/${accessKeyId}`)).status).toBe(204);
    expect(await eventuallyCode(4, 'GID_secure@@@signed', username, sign('GID_secure@@@signed'))).toBe(4);
  });

  it('stores only salted hashes, never a password', async () => {
    const stored = JSON.stringify(await store.readAll(0, { limit: 10_000 }));
    expect(stored).not.toContain('fleet-password-1');
    expect(stored).not.toContain('van-password-1');
    expect(stored).toMatch(/scrypt\$16384\$8\$5\$/);
    const refused = await store.readStream('refused-GID_secure@@@van-1');
    expect(refused.map((e) => e.data['reason'])).toContain('not authorized');
  });
});

describe('revoking what admitted a device closes its live connection', () => {
  const url = () => `mqtt://127.0.0.1:${env['MQTT_PORT']}`;
  const closedBy = async (clientId: string) => {
    const events = await eventually(
      () => store.readStream(`client-${clientId}`),
      (e) => e.some((event) => event.type === 'ClientConnectionClosed'),
    );
    return events.map((e) => [e.type, e.data['reason'], e.data['serverReasonCode']]);
  };
  /** Connects once the control plane has reached presence-ingest (it follows the store within milliseconds). */
  const connectWhenAdmitted = (clientId: string, username: string, password: string) =>
    eventually(
      () =>
        connectedClient(url(), { clientId, username, password, protocolVersion: 5 }).catch(() => undefined),
      (session) => session !== undefined,
    ).then((session) => session!);

  it.each([
    [
      'its group’s credentials are removed',
      'by-credentials',
      'groups/GID_revoke/credentials',
      'groups/GID_revoke/credentials',
    ],
    [
      'its own credentials are removed',
      'by-own',
      'clients/GID_revoke@@@by-own/credentials',
      'clients/GID_revoke@@@by-own/credentials',
    ],
    ['its group is deleted', 'by-group', 'groups/GID_revoke/credentials', 'groups/GID_revoke'],
  ])(
    'when %s: tcpclean "closed by server", 0x98 to the device',
    async (_what, device, credentials, revoked) => {
      const clientId = `GID_revoke@@@${device}`;
      await api('POST', '/api/v1/groups', { groupId: 'GID_revoke' });
      await api('PUT', `/api/v1/${credentials}`, { username: 'revocable', password: 'revocable-password' });
      const session = await connectWhenAdmitted(clientId, 'revocable', 'revocable-password');
      expect((await api('DELETE', `/api/v1/${revoked}`)).status).toBe(204);
      expect(await closedBy(clientId)).toEqual([
        ['ClientConnected', 'accepted', undefined],
        ['ClientConnectionClosed', 'closed by server', 0x98],
      ]);
      expect(session.serverDisconnects).toEqual([0x98]);
      session.client.end(true);
    },
  );

  it('when the access key it signed with is deleted', async () => {
    const { accessKeyId, accessKeySecret } = (await api('POST', '/api/v1/access-keys', {})).body;
    const clientId = 'GID_secure@@@signed-revoked';
    const password = createHmac('sha1', accessKeySecret).update(clientId).digest('base64');
    const session = await connectWhenAdmitted(
      clientId,
      `Signature|${accessKeyId}|${env['INSTANCE_ID']}`,
      password,
    );
    expect((await api('DELETE', `/api/v1/access-keys/${accessKeyId}`)).status).toBe(204);
    expect(await closedBy(clientId)).toEqual([
      ['ClientConnected', 'accepted', undefined],
      ['ClientConnectionClosed', 'closed by server', 0x98],
    ]);
    session.client.end(true);
  });
});

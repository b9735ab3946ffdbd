import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ClientProxyFactory, type ClientProxy } from '@nestjs/microservices';
import { firstValueFrom, timeout } from 'rxjs';
import { BUS_PATTERNS, busClientOptions } from '#libs/platform';
import { freePort } from '../../../test/support/app-processes.js';
import { ruleBody, startRuleManager, UNREACHABLE_ROCKETMQ } from './support/rule-manager-harness.js';

/** The control plane's commands and queries over the bus, on TCP (the default) and on NATS (127.0.0.1:4222). */
const transports: Record<string, () => Promise<string>> = {
  tcp: async () => `tcp://127.0.0.1:${await freePort()}`,
  nats: async () => process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222',
};

describe.each(Object.keys(transports))('the control plane over the %s bus', (transport) => {
  let api: Awaited<ReturnType<typeof startRuleManager>>;
  let client: ClientProxy;
  const send = <T = Record<string, any>>(pattern: string, payload: unknown) =>
    firstValueFrom(client.send<T>(pattern, payload).pipe(timeout(10_000)));
  /** The `actor` a caller might claim (here a real API token's name) is never recorded. */
  const command = (type: string, data: unknown) =>
    send(BUS_PATTERNS.controlPlaneCommand, {
      command: { type, data },
      actor: 'ops',
      correlationId: `bus-${transport}`,
    });

  beforeAll(async () => {
    const busUrl = await transports[transport]!();
    api = await startRuleManager({ BUS_URL: busUrl }, { bus: true });
    client = ClientProxyFactory.create(
      busClientOptions(busUrl, 'rule-manager', api.busCaller('provisioning-script')),
    );
    await client.connect().catch((error: unknown) => {
      throw new Error(`cannot reach the ${transport} bus at ${busUrl} (is NATS running?): ${String(error)}`);
    });
  });

  afterAll(async () => {
    await client.close();
    await api.stop();
  });

  it('registers, creates and disables through commands, recording the caller its proof names as actor', async () => {
    expect(await command('RegisterGroup', { input: { groupId: 'GID_bus' } })).toMatchObject({
      ok: true,
      version: 1,
    });
    const instance = {
      instanceId: 'rmq-bus',
      region: 'local',
      endpoints: UNREACHABLE_ROCKETMQ,
      accessKey: 'AK',
      secretKey: 'bus-secret-1234',
    };
    expect(await command('RegisterRocketmqInstance', { input: instance })).toMatchObject({ ok: true });
    const created = await command('CreateRule', {
      input: ruleBody('bus-rule', 'GID_bus', {
        target: { serviceType: 'ROCKETMQ', instanceId: 'rmq-bus', topic: 'bus-topic' },
      }),
    });
    expect(created).toMatchObject({
      ok: true,
      events: [{ type: 'RuleCreated' }],
      warnings: [expect.stringContaining('not checked')],
    });
    expect(await command('DisableRule', { ruleId: 'bus-rule' })).toMatchObject({
      ok: true,
      events: [{ type: 'RuleDisabled' }],
    });

    const [event] = await api.store.readAll(0, { limit: 1 });
    expect(event!.metadata).toMatchObject({
      actor: 'bus:provisioning-script',
      correlationId: `bus-${transport}`,
    });
    expect(JSON.stringify(await api.store.readAll(0))).not.toContain('bus-secret-1234');
  });

  it('answers queries with what the HTTP API shows', async () => {
    const rule = await send(BUS_PATTERNS.rule, { ruleId: 'bus-rule' });
    expect(rule).toEqual({ ok: true, rule: (await api.call('GET', '/api/v1/rules/bus-rule')).body });
    const controlPlane = await send(BUS_PATTERNS.controlPlane, {});
    expect(controlPlane).toMatchObject({
      version: 4,
      groups: [{ groupId: 'GID_bus' }],
      rocketmqInstances: [{ secretKeySet: true }],
    });
  });

  it('answers a refusal with the same problem as HTTP, and writes nothing', async () => {
    const before = await api.store.headPosition();
    const refused = await command('CreateRule', { input: ruleBody('other', 'GID_bus') });
    expect(refused).toMatchObject({ ok: false, problem: { status: 409, code: 'GROUP_ALREADY_HAS_RULE' } });
    expect(await command('Explode', {})).toMatchObject({
      ok: false,
      problem: { errors: [{ field: 'command.type' }] },
    });
    expect(await api.store.headPosition()).toBe(before);
  });

  it('registers a remoting instance by its name server and refuses TLS for it, as HTTP does', async () => {
    const remoting = { instanceId: 'rmq-bus-ns', region: 'local', nameServer: '127.0.0.1:9;127.0.0.1:10' };
    expect(await command('RegisterRocketmqInstance', { input: { ...remoting, tls: true } })).toMatchObject({
      ok: false,
      problem: { status: 400, errors: [{ field: 'tls', rule: 'unsupported' }] },
    });
    expect(await command('RegisterRocketmqInstance', { input: remoting })).toMatchObject({ ok: true });
    const { rocketmqInstances } = await send(BUS_PATTERNS.controlPlane, {});
    expect(rocketmqInstances).toContainEqual(expect.objectContaining(remoting));
  });

  it('names the first broken part of a malformed message, in the words it always used', async () => {
    const types =
      'RegisterGroup, UpdateGroup, DeleteGroup, RegisterRocketmqInstance, UpdateRocketmqInstance, ' +
      'DeleteRocketmqInstance, SetTopicPermissions, RemoveTopicPermissions, CreateRule, UpdateRule, EnableRule, ' +
      'DisableRule, DeleteRule';
    for (const message of [{}, { actor: 5 }, { command: 'CreateRule' }]) {
      expect((await send(BUS_PATTERNS.controlPlaneCommand, message))['problem']['errors']).toEqual([
        { field: 'command.type', rule: 'enum', message: `command.type must be one of ${types}` },
      ]);
    }
    expect(await send(BUS_PATTERNS.rule, {})).toMatchObject({
      ok: false,
      problem: { status: 404, code: 'RULE_NOT_FOUND' },
    });
  });
});

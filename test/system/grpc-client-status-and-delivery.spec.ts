import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { status as Code } from '@grpc/grpc-js';
import type { MqttClient } from 'mqtt';
import {
  E2E_ADMIN_SECRET as ADMIN,
  isolatedEnv,
  startApp,
  type RunningApp,
} from '../support/app-processes.js';
import { grpcApi, type GrpcApi } from '../support/grpc-clients.js';
import { grpcExpectations } from '../support/grpc-expect.js';
import { createTopic, rocketmqEndpoint } from '../support/rocketmq.js';
import { eventually, mqttConnector } from '../support/system-clients.js';

/**
 * ClientStatusService and DeliveryService driven by a plain @grpc/grpc-js client loaded from the .proto files,
 * against the three apps as processes, a real RocketMQ and real MQTT clients: every method, viewers refused a
 * write, and the refusals with their codes.
 */
const VIEWER = 'viewer-secret-0123456789';
const TOPIC = `grpc-delivery-${Date.now()}`;
const GROUP = 'GID_grpc_a';

let env: Record<string, string>;
let apps: RunningApp[] = [];
let grpc: GrpcApi;
const clients: MqttClient[] = [];
const { call, ok, refused } = grpcExpectations(() => grpc, ADMIN);

beforeAll(async () => {
  await createTopic(TOPIC, { fifo: true });
  env = await isolatedEnv({ API_TOKENS: `e2e:admin:${ADMIN},look:viewer:${VIEWER}` });
  apps = await Promise.all([
    startApp('rule-manager', env),
    startApp('presence-ingest', env),
    startApp('rocketmq-dispatch', env),
  ]);
  grpc = grpcApi(`127.0.0.1:${env['GRPC_PORT']}`);
  await ok('GroupService', 'RegisterGroup', { groupId: GROUP });
  const instance = { instanceId: 'rmq-grpc', region: 'local', endpoints: rocketmqEndpoint() };
  await ok('RocketmqInstanceService', 'RegisterRocketmqInstance', instance);
  const target = { serviceType: 'ROCKETMQ', instanceId: 'rmq-grpc', topic: TOPIC };
  const rule = {
    ruleId: 'r-grpc-a',
    status: 'ENABLED',
    ruleType: 'CLIENT_STATUS_NOTIFY',
    source: { groupId: GROUP },
  };
  await ok('RuleService', 'CreateRule', { rule: { ...rule, target } });
}, 120_000);

afterAll(async () => {
  for (const client of clients) client.end(true);
  grpc?.close();
  await Promise.all(apps.map((app) => app.stop()));
});

describe('gRPC client status and delivery', () => {
  it('answers client status, batch, group clients and trace, and closes a live connection', async () => {
    await mqttConnector(env, clients)(`${GROUP}@@@van-1`);
    const status = await eventually(
      () => ok('ClientStatusService', 'GetClientStatus', { clientId: `${GROUP}@@@van-1` }, VIEWER),
      (answer) => answer.online === true,
    );
    expect(status).toMatchObject({
      clientId: `${GROUP}@@@van-1`,
      online: true,
      channels: [
        { channelId: expect.stringMatching(/^[0-9a-f]{32}$/), clientIp: expect.stringMatching(/^127\./) },
      ],
      lastEvent: { eventType: 'connect', seq: '1', reason: 'accepted' },
    });
    const batch = await ok(
      'ClientStatusService',
      'BatchGetClientStatus',
      { clientIds: [`${GROUP}@@@van-1`, `${GROUP}@@@never`] },
      VIEWER,
    );
    expect(batch.items).toEqual([
      { clientId: `${GROUP}@@@van-1`, online: true },
      { clientId: `${GROUP}@@@never`, online: false },
    ]);
    const online = await ok('ClientStatusService', 'ListGroupClients', { groupId: GROUP, onlineOnly: true });
    expect(online).toMatchObject({
      total: 1,
      page: 1,
      pageSize: 20,
      items: [{ clientId: `${GROUP}@@@van-1` }],
    });
    const refusal = await refused(
      Code.INVALID_ARGUMENT,
      'VALIDATION_FAILED',
      call('ClientStatusService', 'GetClientStatus', { clientId: 'no-group' }),
    );
    expect(refusal.details['google.rpc.BadRequest'].fieldViolations).toEqual([
      expect.objectContaining({ field: 'clientId' }),
    ]);

    await refused(
      Code.PERMISSION_DENIED,
      'PERMISSION_DENIED',
      call('ClientStatusService', 'CloseConnection', { clientId: `${GROUP}@@@van-1` }, VIEWER),
    );
    expect(await ok('ClientStatusService', 'CloseConnection', { clientId: `${GROUP}@@@van-1` })).toEqual({
      clientId: `${GROUP}@@@van-1`,
      closed: true,
    });
    await refused(
      Code.NOT_FOUND,
      'NOT_FOUND',
      call('ClientStatusService', 'CloseConnection', { clientId: `${GROUP}@@@never` }),
    );
    const trace = await eventually(
      () => ok('ClientStatusService', 'GetClientTrace', { clientId: `${GROUP}@@@van-1` }),
      (answer) => answer.total === 2,
    );
    expect(
      trace.items.map((entry: { action: string; reason: string }) => [entry.action, entry.reason]),
    ).toEqual([
      ['connect', 'accepted'],
      ['close', 'closed by server'],
    ]);
  });

  it('answers delivery counters and the delivery log, replays, lists dead letters and refuses a bad redrive', async () => {
    const counters = await eventually(
      () => ok('DeliveryService', 'GetDeliveryCounters', { ruleId: 'r-grpc-a' }),
      (answer) => answer.forwarded === '2',
    );
    expect(counters).toMatchObject({ ruleId: 'r-grpc-a', matched: '2', forwarded: '2' });
    const log = await ok('DeliveryService', 'ListNotifications', { ruleId: 'r-grpc-a' }, VIEWER);
    expect(
      log.items.map((item: { eventType: string; outcome: string }) => [item.eventType, item.outcome]),
    ).toEqual([
      ['connect', 'forwarded'],
      ['tcpclean', 'forwarded'],
    ]);
    expect(log.items[0]).toMatchObject({
      clientId: `${GROUP}@@@van-1`,
      topic: TOPIC,
      messageId: expect.any(String),
    });
    await refused(
      Code.INVALID_ARGUMENT,
      'VALIDATION_FAILED',
      call('DeliveryService', 'ListNotifications', { limit: 5 }),
    );

    const replay = await ok('DeliveryService', 'ReplayNotifications', {
      ruleId: 'r-grpc-a',
      from: '0',
      to: new Date().toISOString(),
      eventType: 'tcpclean',
    });
    expect(replay).toMatchObject({
      ruleId: 'r-grpc-a',
      notifications: 1,
      topic: TOPIC,
      replayId: expect.any(String),
    });
    await refused(
      Code.NOT_FOUND,
      'RULE_NOT_FOUND',
      call('DeliveryService', 'GetDeliveryCounters', { ruleId: 'r-never' }),
    );
    expect(await ok('DeliveryService', 'ListDeadLetters', { ruleId: 'r-grpc-a' })).toMatchObject({
      total: 0,
    });
    await refused(
      Code.NOT_FOUND,
      'DEAD_LETTER_NOT_FOUND',
      call('DeliveryService', 'RedriveDeadLetter', { deadLetterId: 'r-grpc-a:none' }),
    );
  });
});

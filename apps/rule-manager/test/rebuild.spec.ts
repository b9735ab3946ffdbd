import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import {
  ruleBody,
  startRuleManager,
  STORE_LOCATIONS,
  UNREACHABLE_ROCKETMQ,
} from './support/rule-manager-harness.js';

/**
 * `npm run projections:rebuild` drops the read model and rebuilds it from the events; the API then answers
 * exactly as before. Run as the real command (from the build) on SQLite and on PostgreSQL.
 */
const ROOT = resolve(import.meta.dirname, '../../..');

const READS = [
  '/api/v1/rules?pageSize=100',
  '/api/v1/rules/kept',
  '/api/v1/rules/edited',
  '/api/v1/rules/reborn',
  '/api/v1/groups',
  '/api/v1/rocketmq-instances',
];

async function answers(api: Awaited<ReturnType<typeof startRuleManager>>) {
  return Promise.all(READS.map(async (path) => [path, (await api.call('GET', path)).body] as const));
}

async function history(harness: Awaited<ReturnType<typeof startRuleManager>>) {
  const api = {
    async call(method: string, path: string, body?: unknown) {
      const response = await harness.call(method, path, body);
      if (response.status >= 300) throw new Error(`${method} ${path}: ${JSON.stringify(response.body)}`);
      return response;
    },
  };
  for (const groupId of ['GID_alpha', 'GID_bravo', 'GID_charlie', 'GID_delta', 'GID_gone'])
    await api.call('POST', '/api/v1/groups', { groupId });
  await api.call('POST', '/api/v1/rocketmq-instances', {
    instanceId: 'rmq-1',
    region: 'local',
    endpoints: UNREACHABLE_ROCKETMQ,
  });
  await api.call('POST', '/api/v1/rocketmq-instances', {
    instanceId: 'rmq-2',
    region: 'local',
    endpoints: UNREACHABLE_ROCKETMQ,
    accessKey: 'ak',
    secretKey: 'rebuild-secret-1',
  });
  await api.call(
    'POST',
    '/api/v1/rules',
    ruleBody('kept', 'GID_alpha', {
      target: { serviceType: 'ROCKETMQ', instanceId: 'rmq-1', topic: 'topic-one' },
    }),
  );
  await api.call(
    'POST',
    '/api/v1/rules',
    ruleBody('edited', 'GID_bravo', {
      target: { serviceType: 'ROCKETMQ', instanceId: 'rmq-1', topic: 'topic-one' },
    }),
  );
  const { ruleId: _id, ...edit } = ruleBody('edited', 'GID_charlie', {
    description: 'moved',
    target: { serviceType: 'ROCKETMQ', instanceId: 'rmq-2', topic: 'topic-two' },
  });
  await api.call('PUT', '/api/v1/rules/edited', edit);
  await api.call('POST', '/api/v1/rules/edited/disable');
  await api.call(
    'POST',
    '/api/v1/rules',
    ruleBody('reborn', 'GID_delta', {
      target: { serviceType: 'ROCKETMQ', instanceId: 'rmq-1', topic: 'topic-one' },
    }),
  );
  await api.call('DELETE', '/api/v1/rules/reborn');
  await api.call(
    'POST',
    '/api/v1/rules',
    ruleBody('reborn', 'GID_delta', {
      status: 'DISABLED',
      target: { serviceType: 'ROCKETMQ', instanceId: 'rmq-1', topic: 'topic-three' },
    }),
  );
  await api.call('DELETE', '/api/v1/groups/GID_gone');
}

function rebuildCommand(env: Record<string, string>) {
  const run = spawnSync(process.execPath, [join(ROOT, 'dist/apps/rule-manager/src/rebuild-projections.js')], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: run.status, output: run.stdout + run.stderr };
}

describe.each(Object.keys(STORE_LOCATIONS))('projections:rebuild on %s', (kind) => {
  it('drops the read model, rebuilds it from the events, and the API answers exactly as before', async () => {
    const { url, cleanup } = STORE_LOCATIONS[kind]!();
    const env = { EVENT_STORE_URL: url, INSTANCE_ID: 'mqtt-api' };
    try {
      let api = await startRuleManager(env);
      let before: Awaited<ReturnType<typeof answers>>;
      try {
        await history(api);
        before = await answers(api);
        expect(before[0]![1]['total']).toBe(3);
        expect(before[0]![1]['items'].map((rule: { ruleId: string }) => rule.ruleId)).toEqual([
          'edited',
          'kept',
          'reborn',
        ]);
        // Damage the read model, as a lost table would: only a real rebuild puts it right.
        await api.store.commitProjection('rule-manager.control-plane', 1, {
          deletes: [{ collection: 'control-plane.rules', id: 'kept' }],
        });
      } finally {
        await api.stop();
      }

      const rebuilt = rebuildCommand(env);
      expect(rebuilt.code).toBe(0);
      expect(rebuilt.output).toMatch(/rebuilt from \d+ events \(up to position \d+\)/);

      api = await startRuleManager(env);
      try {
        expect(await answers(api)).toEqual(before);
      } finally {
        await api.stop();
      }
    } finally {
      await cleanup();
    }
  }, 90_000);
});

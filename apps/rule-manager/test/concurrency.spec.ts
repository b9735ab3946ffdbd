import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  ruleBody,
  startRuleManager,
  STORE_LOCATIONS,
  UNREACHABLE_ROCKETMQ,
} from './support/rule-manager-harness.js';

/**
 * The uniqueness rules hold under concurrency: parallel requests split over two rule-manager instances sharing
 * one store (as two processes would), on SQLite and on PostgreSQL. Exactly the allowed number succeed, the rest
 * get 409, and the store holds exactly the successful rules.
 */

type Api = Awaited<ReturnType<typeof startRuleManager>>;

describe.each(Object.keys(STORE_LOCATIONS))('concurrent rule creation on %s', (kind) => {
  let instances: Api[];
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const store = STORE_LOCATIONS[kind]!();
    cleanup = store.cleanup;
    const env = { EVENT_STORE_URL: store.url, MAX_RULES_PER_INSTANCE: '100' };
    instances = [await startRuleManager(env), await startRuleManager(env)];
    const [first] = instances;
    await first!.call('POST', '/api/v1/rocketmq-instances', {
      instanceId: 'rmq-api',
      region: 'local',
      endpoints: UNREACHABLE_ROCKETMQ,
    });
    for (let i = 0; i < 160; i++) await first!.call('POST', '/api/v1/groups', { groupId: `GID_group_${i}` });
  }, 120_000);

  afterAll(async () => {
    await Promise.all(instances.map((api) => api.stop()));
    await cleanup();
  });

  /** Fires all requests at once, alternating between the two instances; returns the statuses. */
  async function fire(bodies: unknown[]): Promise<number[]> {
    const responses = await Promise.all(
      bodies.map((body, i) => instances[i % 2]!.call('POST', '/api/v1/rules', body)),
    );
    return responses.map((response) => response.status);
  }

  const count = (statuses: number[], status: number) => statuses.filter((s) => s === status).length;
  const storedRules = async () =>
    (await instances[0]!.call('GET', '/api/v1/rules?pageSize=100')).body['items'] as { ruleId: string }[];

  it('lets exactly one of 50 rules for the same group through', async () => {
    const statuses = await fire(
      Array.from({ length: 50 }, (_, i) => ruleBody(`same-group-${i}`, 'GID_group_0')),
    );
    expect([count(statuses, 201), count(statuses, 409)]).toEqual([1, 49]);
    expect((await storedRules()).filter((rule) => rule.ruleId.startsWith('same-group-'))).toHaveLength(1);
  }, 60_000);

  it('lets exactly one of 50 creates of the same rule ID through', async () => {
    const statuses = await fire(
      Array.from({ length: 50 }, (_, i) => ruleBody('same-id', `GID_group_${i + 1}`)),
    );
    expect([count(statuses, 201), count(statuses, 409)]).toEqual([1, 49]);
  }, 60_000);

  it('stops at the limit of 100 rules with 150 parallel creates', async () => {
    const existing = (await storedRules()).length;
    const bodies = Array.from({ length: 150 }, (_, i) => ruleBody(`limit-${i}`, `GID_group_${i + 10}`));
    const statuses = await fire(bodies);
    expect([count(statuses, 201), count(statuses, 409)]).toEqual([100 - existing, 150 - (100 - existing)]);
    expect(await storedRules()).toHaveLength(100);
  }, 120_000);
});

import * as z from 'zod';

/**
 * What `GET /api/v1/overview` answers: the console's landing page in one request. The schema types the use case's
 * answer and documents it in the OpenAPI document, so the two cannot drift.
 */
const count = z.int().min(0);
const milliseconds = z.number().min(0).nullable();

const DURATIONS = z
  .object({ count, p50Ms: milliseconds, p95Ms: milliseconds })
  .describe('the last minute of one dispatcher; null when nothing was measured');

const APP_HEALTH = z.object({
  app: z.enum(['rule-manager', 'presence-ingest', 'rocketmq-dispatch']),
  status: z.enum(['ok', 'unreachable']),
  version: z.string().optional(),
  startedAt: z.iso.datetime().optional(),
  uptimeSeconds: count.optional(),
});

export const OVERVIEW = z.object({
  at: z.iso.datetime().describe('when the overview was read (rule-manager’s clock)'),
  clients: z.object({
    online: count.describe('clients with an open connection, from the client status read model'),
    groupsOnline: count.describe('groups with at least one client online'),
    topGroups: z.array(z.object({ groupId: z.string(), online: count })).describe('most online first'),
  }),
  presence: z.object({
    perMinute: z
      .array(z.object({ minute: z.iso.datetime(), connects: count, closes: count, refusals: count }))
      .describe('the last 30 minutes, oldest first, broker time; refusals are refused CONNECTs'),
  }),
  delivery: z.object({
    forwarded: count,
    pending: count.describe('matched and not yet forwarded or dead-lettered, every rule together'),
    deadLettered: count.describe('dead letters not redriven, every rule together'),
    failedAttempts: count,
    rulesWithDeadLetters: z.array(z.object({ ruleId: z.string(), deadLettered: count })),
  }),
  dispatch: z
    .object({
      lagEvents: count.describe('store positions after the dispatch checkpoint'),
      lagSeconds: z.number().min(0).describe('age of the oldest notification not settled yet'),
      sendLatency: DURATIONS.describe('RocketMQ send call durations, the last minute'),
      deliveryLatency: DURATIONS.describe('presence event to RocketMQ acknowledgement, the last minute'),
    })
    .nullable()
    .describe('null when rocketmq-dispatch does not answer over the bus'),
  apps: z.array(APP_HEALTH),
});

export type Overview = z.infer<typeof OVERVIEW>;
export type AppHealth = z.infer<typeof APP_HEALTH>;

export const OVERVIEW_EXAMPLE: Overview = {
  at: '2026-12-02T08:30:00.000Z',
  clients: { online: 1520, groupsOnline: 2, topGroups: [{ groupId: 'GID_fleet', online: 1500 }] },
  presence: {
    perMinute: [{ minute: '2026-12-02T08:29:00.000Z', connects: 42, closes: 40, refusals: 1 }],
  },
  delivery: {
    forwarded: 182_000,
    pending: 3,
    deadLettered: 1,
    failedAttempts: 4,
    rulesWithDeadLetters: [{ ruleId: 'device-status', deadLettered: 1 }],
  },
  dispatch: {
    lagEvents: 3,
    lagSeconds: 0.2,
    sendLatency: { count: 640, p50Ms: 2.1, p95Ms: 6.8 },
    deliveryLatency: { count: 640, p50Ms: 9.5, p95Ms: 31 },
  },
  apps: [
    {
      app: 'rule-manager',
      status: 'ok',
      version: '0.1.0',
      startedAt: '2026-12-01T07:00:00.000Z',
      uptimeSeconds: 91_800,
    },
    { app: 'presence-ingest', status: 'unreachable' },
  ],
};

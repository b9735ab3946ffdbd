import * as z from 'zod';
import { GROUP_ID_PATTERN } from '#libs/presence';
import { RULE_STATUSES, SUPPORTED_RULE_TYPES, TARGET_SERVICE_TYPES } from './control-plane.events.js';
import {
  DESCRIPTION_MAX_LENGTH,
  ENDPOINTS_PATTERN,
  NAME_SERVER_PATTERN,
  REGION_PATTERN,
  ROCKETMQ_INSTANCE_ID_PATTERN,
  RULE_ID_PATTERN,
  TOPIC_PATTERN,
  normalizeRuleId,
} from './identifiers.js';
import { always, matching, optional, type IssueParams } from './input-schema.js';
import { TOPIC_FILTER_MAX_LENGTH, topicFilterProblem } from './topic-filter.js';
import { TOPIC_PLACEHOLDERS } from './topic-permissions.js';

/** The bodies the control plane accepts (SPEC §2–3), each described once: checks, error details and API docs. */

const description = optional(z.string().max(DESCRIPTION_MAX_LENGTH));
const groupId = matching(GROUP_ID_PATTERN, 'GID_ or GID- then [A-Za-z0-9_-], 7–64 characters');
const instanceId = matching(ROCKETMQ_INSTANCE_ID_PATTERN, '3–64 characters of [A-Za-z0-9_-]');

export const RULE_INPUT = z.strictObject({
  ruleId: z
    .string()
    .transform(normalizeRuleId)
    .pipe(matching(RULE_ID_PATTERN, '3–64 characters of [A-Za-z0-9_-] with a letter or digit'))
    .describe('3–64 of [A-Za-z0-9_-] with a letter or digit; longer input is truncated to 64'),
  description,
  status: z.enum(RULE_STATUSES),
  ruleType: z.enum(SUPPORTED_RULE_TYPES).describe('DATA_OUTBOUND / DATA_INBOUND answer 422'),
  source: z.strictObject({ groupId }),
  target: z.strictObject({
    serviceType: z.enum(TARGET_SERVICE_TYPES),
    instanceId,
    topic: matching(TOPIC_PATTERN, '3–64 characters of [A-Za-z0-9_-], not starting with CID or GID'),
  }),
});

/** On an edit, the ID comes from the path: the body may repeat it, never change it. */
export const unchanged = (current: string, what: string) =>
  z
    .unknown()
    .refine((value) => value === undefined || value === current, {
      error: `the ${what} never changes (${current})`,
      params: { rule: 'immutable', bare: true } satisfies IssueParams,
    })
    .transform(() => current)
    .default(current);

const groupFields = (id: z.ZodType<string>) => z.strictObject({ groupId: id, description });
export const GROUP_INPUT = groupFields(groupId);
export const groupUpdate = (current: string) => groupFields(unchanged(current, 'group ID'));

const present = (value: unknown) => value !== undefined && value !== null;

/** Exactly one address; the remoting client has no TLS (decision 0015), so it is refused there, not at send time. */
function addressIssues(input: Record<string, unknown>, context: z.core.$RefinementCtx): void {
  const issue = (field: string, rule: string, message: string) =>
    context.addIssue({
      code: 'custom',
      path: [field],
      message,
      params: { rule, bare: true } satisfies IssueParams,
    });
  if (!present(input['endpoints']) && !present(input['nameServer']))
    issue('endpoints', 'required', 'endpoints is required');
  else if (present(input['endpoints']) && present(input['nameServer']))
    issue(
      'nameServer',
      'exclusive',
      'give endpoints (a gRPC proxy) or nameServer (the remoting protocol), not both',
    );
  if (present(input['nameServer']) && input['tls'] === true)
    issue(
      'tls',
      'unsupported',
      'tls is not available with nameServer: the remoting client speaks plain TCP only; ' +
        'use endpoints (a RocketMQ 5 proxy, TLS supported) instead',
    );
}

const instanceFields = (id: z.ZodType<string>) =>
  z
    .strictObject({
      instanceId: id,
      region: matching(REGION_PATTERN, '1–64 characters of [A-Za-z0-9_-]').describe(
        'must be this MQTT instance’s region for rules to use it',
      ),
      endpoints: optional(matching(ENDPOINTS_PATTERN, 'the gRPC proxy address host:port')).describe(
        'gRPC proxy address host:port (RocketMQ 5); give this or nameServer',
      ),
      nameServer: optional(
        matching(NAME_SERVER_PATTERN, 'host:port[;host:port…], at most 16 name servers'),
      ).describe(
        'name servers host:port[;host:port…] for the remoting protocol (RocketMQ 4.x, no TLS); give this or endpoints',
      ),
      namespace: optional(z.string().max(64)),
      accessKey: optional(z.string()),
      secretKey: optional(z.string()).meta({
        writeOnly: true,
        description: 'stored encrypted, never returned',
      }),
      tls: optional(z.boolean()),
    })
    .superRefine((input, context) => {
      addressIssues(input, context);
      const given = (key: 'accessKey' | 'secretKey') => typeof input[key] === 'string';
      if (given('accessKey') === given('secretKey')) return;
      context.addIssue({
        code: 'custom',
        path: [given('accessKey') ? 'secretKey' : 'accessKey'],
        message: 'accessKey and secretKey go together: give both or neither',
        params: { rule: 'required', bare: true } satisfies IssueParams,
      });
    }, always)
    // The custom check is invisible to the document: `oneOf` says "exactly one address" there.
    .meta({
      description:
        'A gRPC proxy (endpoints, RocketMQ 5) or name servers over the remoting protocol (nameServer, ' +
        'RocketMQ 4.x and 5.x brokers, no TLS): exactly one of the two',
      oneOf: [{ required: ['endpoints'] }, { required: ['nameServer'] }],
    });
export const ROCKETMQ_INSTANCE_INPUT = instanceFields(instanceId);
export const rocketmqInstanceUpdate = (current: string) => instanceFields(unchanged(current, 'instance ID'));

export const DEVICE_CREDENTIALS_INPUT = z.strictObject({
  username: matching(/^[\x21-\x7e]{1,64}$/, '1–64 printable characters without spaces'),
  password: z.string().min(8).meta({ writeOnly: true }),
});

export const MAX_TOPIC_FILTERS = 100;
const ANY_PLACEHOLDER = /\$\{[^}]*\}/g;

/** A misspelt placeholder would silently match nothing: it is refused instead. */
function placeholderProblem(entry: string): { rule: string; message: string } | undefined {
  const unknown = (entry.match(ANY_PLACEHOLDER) ?? []).find(
    (found) => !(TOPIC_PLACEHOLDERS as readonly string[]).includes(found),
  );
  if (unknown === undefined) return undefined;
  return { rule: 'placeholder', message: `uses ${unknown}: only ${TOPIC_PLACEHOLDERS.join(', ')} are known` };
}

const quoted = (issue: { input?: unknown }) => JSON.stringify(issue.input);
const topicFilter = z
  .string()
  .min(1, { error: (issue) => `${quoted(issue)} must not be empty`, abort: true })
  .max(TOPIC_FILTER_MAX_LENGTH, {
    error: (issue) => `${quoted(issue)} must be at most ${TOPIC_FILTER_MAX_LENGTH} characters`,
    abort: true,
  })
  .superRefine((entry, context) => {
    const problem = topicFilterProblem(entry) ?? placeholderProblem(entry);
    if (problem) {
      context.addIssue({
        code: 'custom',
        message: `${JSON.stringify(entry)} ${problem.message}`,
        params: { rule: problem.rule } satisfies IssueParams,
      });
    }
  });

const topicFilters = z
  .array(topicFilter, {
    error: (issue) => (issue.input == null ? undefined : 'must be an array of topic filters'),
  })
  .max(MAX_TOPIC_FILTERS, {
    error: (issue) =>
      `may hold at most ${MAX_TOPIC_FILTERS} filters (got ${(issue.input as unknown[]).length})`,
  })
  .describe(
    'MQTT topic filters (+ a whole level, # the whole last level); ${clientid}, ${groupid}, ${deviceid}',
  );

/** Both lists, each replacing the one set before. */
export const TOPIC_PERMISSIONS_INPUT = z.strictObject({ publish: topicFilters, subscribe: topicFilters });

export const ACCESS_KEY_INPUT = z.strictObject({ description });

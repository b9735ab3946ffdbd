import { parseArgs } from 'node:util';
import { parseClientId, type StatusEventType } from '#libs/presence';
import { RULE_ID_PATTERN, TOPIC_PATTERN } from '#libs/rules';

const EVENT_TYPES: StatusEventType[] = ['connect', 'disconnect', 'tcpclean'];
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

export const ARCHIVE_REPLAY_USAGE =
  'npm run archive:replay -- --from <ISO time> --to <ISO time> [--rule <ruleId> [--topic <topic>]] ' +
  '[--client <clientId>] [--event-type connect|disconnect|tcpclean] [--dir <archive dir>] [--dry-run]';

/** What `npm run archive:replay` was asked for. */
export interface ArchiveReplayOptions {
  /** The events' times (epoch ms, inclusive), as a replay through the API selects them. */
  from: number;
  to: number;
  /** One rule's notifications; every rule's when absent. */
  ruleId?: string;
  /** Send them all to this topic of the rule's RocketMQ instance instead of where each went (needs a rule). */
  topic?: string;
  clientId?: string;
  eventType?: StatusEventType;
  /** The archive to read; ARCHIVE_DIR when absent. */
  dir?: string;
  dryRun: boolean;
}

/** A bad option: names the option and the rule it breaks. */
export class ReplayOptionError extends Error {
  override name = 'ReplayOptionError';
  constructor(
    readonly option: string,
    readonly rule: string,
    message: string,
  ) {
    super(`${option} ${message} (rule: ${rule}). Usage: ${ARCHIVE_REPLAY_USAGE}`);
  }
}

export function parseArchiveReplayOptions(args: string[]): ArchiveReplayOptions {
  const { values } = parseOrRefuse(args);
  const from = time('--from', values.from);
  const to = time('--to', values.to);
  if (to < from)
    throw new ReplayOptionError('--to', 'after-from', `(${values.to}) must not be before --from`);
  const ruleId = matching('--rule', values.rule, RULE_ID_PATTERN, '3–64 letters, digits, - or _');
  const topic = matching(
    '--topic',
    values.topic,
    TOPIC_PATTERN,
    '3–64 letters, digits, - or _, not CID/GID…',
  );
  if (topic !== undefined && ruleId === undefined)
    throw new ReplayOptionError(
      '--topic',
      'needs-rule',
      'needs --rule: a replay to another topic is one rule’s',
    );
  return {
    from,
    to,
    ...(ruleId !== undefined && { ruleId }),
    ...(topic !== undefined && { topic }),
    ...(values.client !== undefined && { clientId: client(values.client) }),
    ...(values['event-type'] !== undefined && { eventType: eventType(values['event-type']) }),
    ...(values.dir !== undefined && { dir: values.dir }),
    dryRun: values['dry-run'] ?? false,
  };
}

function parseOrRefuse(args: string[]) {
  try {
    return parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        from: { type: 'string' },
        to: { type: 'string' },
        rule: { type: 'string' },
        topic: { type: 'string' },
        client: { type: 'string' },
        'event-type': { type: 'string' },
        dir: { type: 'string' },
        'dry-run': { type: 'boolean' },
      },
    });
  } catch (error) {
    const option = /'(--?[A-Za-z][\w-]*)/.exec((error as Error).message)?.[1] ?? 'an argument';
    throw new ReplayOptionError(option, 'known-option', `is not understood: ${(error as Error).message}`);
  }
}

function time(option: string, value: string | undefined): number {
  if (value === undefined) throw new ReplayOptionError(option, 'required', 'is required');
  const epochMs = Date.parse(value);
  if (!ISO_TIME.test(value) || Number.isNaN(epochMs))
    throw new ReplayOptionError(
      option,
      'iso-time',
      `"${value}" must be an ISO 8601 time with its zone, e.g. 2026-11-25T10:00:00Z`,
    );
  return epochMs;
}

function matching(option: string, value: string | undefined, pattern: RegExp, what: string) {
  if (value !== undefined && !pattern.test(value))
    throw new ReplayOptionError(option, 'pattern', `"${value}" must be ${what}`);
  return value;
}

function client(value: string): string {
  const parsed = parseClientId(value);
  if (!parsed.ok)
    throw new ReplayOptionError(
      '--client',
      'client-id',
      `"${value}" ${parsed.problem}: <GroupID>@@@<DeviceID>`,
    );
  return parsed.clientId;
}

function eventType(value: string): StatusEventType {
  if (!EVENT_TYPES.includes(value as StatusEventType))
    throw new ReplayOptionError(
      '--event-type',
      'one-of',
      `"${value}" must be one of ${EVENT_TYPES.join(', ')}`,
    );
  return value as StatusEventType;
}

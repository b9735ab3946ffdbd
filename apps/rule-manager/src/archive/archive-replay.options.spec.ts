import { describe, expect, it } from '@jest/globals';
import { parseArchiveReplayOptions, ReplayOptionError } from './archive-replay.options.js';

const RANGE = ['--from', '2026-11-25T10:00:00Z', '--to', '2026-11-25T11:00:00.500+01:00'];

function refusal(args: string[]): ReplayOptionError {
  try {
    parseArchiveReplayOptions(args);
  } catch (error) {
    if (error instanceof ReplayOptionError) return error;
    throw error;
  }
  throw new Error(`${args.join(' ')} was accepted`);
}

describe('archive:replay options', () => {
  it('reads a range, a rule, a topic, a client, an event type, a directory and a dry run', () => {
    expect(
      parseArchiveReplayOptions([
        ...RANGE,
        '--rule',
        'device-status',
        '--topic',
        'status-replay',
        '--client',
        'GID_fleet@@@van-1',
        '--event-type',
        'tcpclean',
        '--dir',
        '/var/archive',
        '--dry-run',
      ]),
    ).toEqual({
      from: Date.UTC(2026, 10, 25, 10),
      to: Date.UTC(2026, 10, 25, 10, 0, 0, 500),
      ruleId: 'device-status',
      topic: 'status-replay',
      clientId: 'GID_fleet@@@van-1',
      eventType: 'tcpclean',
      dir: '/var/archive',
      dryRun: true,
    });
    expect(parseArchiveReplayOptions(RANGE)).toEqual({
      from: Date.UTC(2026, 10, 25, 10),
      to: Date.UTC(2026, 10, 25, 10, 0, 0, 500),
      dryRun: false,
    });
  });

  it.each([
    [['--to', '2026-11-25T11:00:00Z'], '--from', 'required'],
    [['--from', '2026-11-25T10:00:00Z'], '--to', 'required'],
    [['--from', 'yesterday', '--to', '2026-11-25T11:00:00Z'], '--from', 'iso-time'],
    [['--from', '2026-11-25T10:00:00', '--to', '2026-11-25T11:00:00Z'], '--from', 'iso-time'],
    [['--from', '2026-11-25T10:00:00Z', '--to', '2026-11-25T09:00:00Z'], '--to', 'after-from'],
    [[...RANGE, '--rule', 'a b'], '--rule', 'pattern'],
    [[...RANGE, '--rule', 'r-1', '--topic', 'GID_x'], '--topic', 'pattern'],
    [[...RANGE, '--topic', 'other-topic'], '--topic', 'needs-rule'],
    [[...RANGE, '--client', 'no-separator'], '--client', 'client-id'],
    [[...RANGE, '--event-type', 'connected'], '--event-type', 'one-of'],
    [[...RANGE, '--since', 'x'], '--since', 'known-option'],
    [[...RANGE, '--rule'], '--rule', 'known-option'],
  ])('refuses %j, naming %s and the rule %s', (args, option, rule) => {
    const error = refusal(args);
    expect({ option: error.option, rule: error.rule }).toEqual({ option, rule });
    expect(error.message).toMatch(
      new RegExp(`^${option} .*\\(rule: ${rule}\\)\\. Usage: npm run archive:replay`),
    );
  });
});

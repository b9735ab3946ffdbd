import { describe, expect, it } from '@jest/globals';
import { decideReplay, MAX_REPLAY_NOTIFICATIONS } from './index.js';
import {
  deadLettered,
  notification,
  refusal,
  replay,
  rulesExist,
  whenRedrive,
  whenReplay,
} from './testing/redelivery.fixtures.js';

describe('requesting a replay', () => {
  it('records the request, then each selected notification marked as this replay, to where each went', () => {
    const elsewhere = notification(2, { target: { instanceId: 'rmq-1', topic: 'older-topic' } });
    const [requested, ...resends] = whenReplay(rulesExist('rule-1'), [notification(1), elsewhere]);
    expect(requested).toEqual({
      type: 'ReplayRequested',
      data: {
        replayId: 'replay-1',
        ruleId: 'rule-1',
        from: 0,
        to: 10_000,
        topic: 'device-status',
        rocketmqInstanceId: 'rmq-1',
        notifications: 2,
      },
    });
    expect(resends).toEqual([
      {
        type: 'NotificationResendRequested',
        data: { notification: { ...notification(1), resend: { kind: 'replay', id: 'replay-1' } } },
      },
      {
        type: 'NotificationResendRequested',
        data: { notification: { ...elsewhere, resend: { kind: 'replay', id: 'replay-1' } } },
      },
    ]);
  });

  it('sends them all to the topic asked for, and records the client and event type it was narrowed to', () => {
    const command = replay({ topic: 'replays', clientId: 'GID_fleet@@@van-1', eventType: 'connect' });
    const [requested, ...resends] = whenReplay(rulesExist('rule-1'), [notification(1)], command);
    expect(requested.data).toMatchObject({
      topic: 'replays',
      clientId: 'GID_fleet@@@van-1',
      eventType: 'connect',
    });
    expect(resends.map(({ data }) => data.notification.target)).toEqual([
      { instanceId: 'rmq-1', topic: 'replays' },
    ]);
  });

  it('records a replay that selected nothing, so the operator sees it was asked for', () => {
    expect(whenReplay(rulesExist('rule-1'), [])).toEqual([
      expect.objectContaining({
        type: 'ReplayRequested',
        data: expect.objectContaining({ notifications: 0 }),
      }),
    ]);
  });

  it('refuses a rule that does not exist', () => {
    expect(refusal(() => whenReplay(rulesExist('rule-2'), [])).code).toBe('RULE_NOT_FOUND');
  });

  it(`holds up to ${MAX_REPLAY_NOTIFICATIONS} notifications and refuses more`, () => {
    const many = (count: number) => Array.from({ length: count }, (_, i) => notification(i + 1));
    expect(whenReplay(rulesExist('rule-1'), many(MAX_REPLAY_NOTIFICATIONS))).toHaveLength(
      MAX_REPLAY_NOTIFICATIONS + 1,
    );
    const tooMany = refusal(() => whenReplay(rulesExist('rule-1'), many(MAX_REPLAY_NOTIFICATIONS + 1)));
    expect(tooMany).toMatchObject({ code: 'REPLAY_TOO_LARGE' });
    expect(tooMany.message).toContain(`more than ${MAX_REPLAY_NOTIFICATIONS} notifications`);
  });

  it('refuses a range that starts before the oldest retained event, naming the field and that time', () => {
    const state = { controlPlane: rulesExist('rule-1'), selected: [notification(1)], retainedSince: 5_000 };
    const refused = refusal(() => decideReplay(replay({ from: 4_999 }), state));
    expect(refused).toMatchObject({
      code: 'RANGE_PAST_RETENTION',
      field: { name: 'from', rule: 'retained', retainedSince: 5_000 },
    });
    expect(refused.message).toContain('oldest retained presence event (1970-01-01T00:00:05.000Z)');
    const [requested] = decideReplay(replay({ from: 5_000 }), state);
    expect(requested.data).toMatchObject({ from: 5_000, notifications: 1 });
  });
});

describe('redriving a dead letter', () => {
  it('records the redrive and the notification again, with its first ID, rule version and destination', () => {
    expect(whenRedrive(deadLettered(2))).toEqual([
      {
        type: 'RedriveRequested',
        data: {
          redriveId: 'redrive-1',
          deadLetterId: 'rule-1:x',
          ruleId: 'rule-1',
          notificationId: 'rule-1:event-2',
        },
      },
      {
        type: 'NotificationResendRequested',
        data: { notification: { ...notification(2), resend: { kind: 'redrive', id: 'redrive-1' } } },
      },
    ]);
  });

  it('refuses a dead letter that does not exist', () => {
    const error = refusal(() => whenRedrive({}));
    expect(error).toMatchObject({
      code: 'DEAD_LETTER_NOT_FOUND',
      message: 'dead letter rule-1:x does not exist',
    });
  });

  it('redrives once, whether the read model or only the redrive stream shows the first redrive', () => {
    const shown = refusal(() => whenRedrive(deadLettered(2, { redrive: { redriveId: 'redrive-0' } })));
    expect(shown).toMatchObject({
      code: 'DEAD_LETTER_ALREADY_REDRIVEN',
      message: 'dead letter rule-1:x was redriven already (redrive-0)',
    });
    const recorded = refusal(() => whenRedrive({ ...deadLettered(2), recordedRedriveId: 'redrive-0' }));
    expect(recorded).toMatchObject(shown);
  });

  it('refuses when the presence event is no longer stored at the dead letter’s seq', () => {
    const { deadLetter } = deadLettered(2);
    expect(refusal(() => whenRedrive({ deadLetter })).code).toBe('PRESENCE_EVENT_NOT_STORED');
    const later = { version: 3, data: notification(3).event };
    expect(refusal(() => whenRedrive({ deadLetter, presenceEvent: later })).code).toBe(
      'PRESENCE_EVENT_NOT_STORED',
    );
  });
});

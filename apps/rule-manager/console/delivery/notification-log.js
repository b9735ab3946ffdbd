import { api, ApiProblem, query } from '../lib/api.js';
import { field, h, section, showFieldErrors, table } from '../lib/dom.js';
import { dateTime, isoFromLocal } from '../lib/format.js';
import { poll } from '../lib/poll.js';

const REFRESH_MS = 5_000;

/** The rule's notifications, newest first, filtered by client and event time; refreshed every few seconds. */
export function notificationLog(ruleId) {
  const inputs = {
    clientId: h('input', { name: 'clientId', type: 'search' }),
    from: h('input', { name: 'from', type: 'datetime-local' }),
    to: h('input', { name: 'to', type: 'datetime-local' }),
    limit: h('input', { name: 'limit', type: 'number', min: 1, max: 1000, value: '100' }),
  };
  const form = h(
    'form',
    {
      class: 'inline-form',
      'aria-label': 'Filter notifications',
      onsubmit: (e) => (e.preventDefault(), void load()),
    },
    field('Client ID', inputs.clientId),
    field('Event from', inputs.from),
    field('Event to', inputs.to),
    field('Limit', inputs.limit),
    h('div', { class: 'actions' }, h('button', { class: 'primary' }, 'Apply')),
  );
  const result = h('div');

  async function load() {
    try {
      const answer = await api(
        'GET',
        `/notifications${query({
          ruleId,
          clientId: inputs.clientId.value.trim(),
          from: isoFromLocal(inputs.from.value),
          to: isoFromLocal(inputs.to.value),
          limit: inputs.limit.value,
        })}`,
      );
      showFieldErrors(form, {});
      result.replaceChildren(
        h('p', { class: 'count' }, `${answer.items.length} of ${answer.total} notifications`),
        table(
          'Notifications',
          ['Event time', 'Client ID', 'Seq', 'Event', 'Outcome', 'Attempts', 'Message ID', 'Rule version'],
          [...answer.items]
            .reverse()
            .map((n) => [
              dateTime(n.eventTime),
              n.clientId,
              String(n.seq),
              n.eventType,
              h('span', { class: `outcome ${n.outcome}` }, n.outcome),
              String(n.attempts),
              h('span', { class: 'mono' }, n.messageId ?? ''),
              String(n.ruleVersion),
            ]),
        ),
      );
    } catch (error) {
      if (error instanceof ApiProblem) showFieldErrors(form, error.problem);
    }
  }

  return {
    element: section('log-title', 'Notification log', form, result),
    stop: poll(REFRESH_MS, load),
  };
}

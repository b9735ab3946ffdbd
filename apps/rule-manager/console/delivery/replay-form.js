import { api, ApiProblem, path } from '../lib/api.js';
import { clearFieldErrors, field, flash, h, section, select, showFieldErrors } from '../lib/dom.js';
import { isoFromLocal, localFromIso, plural } from '../lib/format.js';

/** Replay: send the rule's notifications of a time range to its topic again (optionally one client or event type). */
export function replayForm(ruleId) {
  const hourAgo = localFromIso(new Date(Date.now() - 3_600_000).toISOString());
  const form = h(
    'form',
    { class: 'inline-form', novalidate: true, 'aria-label': 'Replay', onsubmit: submit },
    field(
      'From',
      h('input', { name: 'from', type: 'datetime-local', step: 1, value: hourAgo, required: true }),
    ),
    field(
      'To',
      h('input', {
        name: 'to',
        type: 'datetime-local',
        step: 1,
        value: localFromIso(new Date().toISOString()),
        required: true,
      }),
    ),
    field('Client ID', h('input', { name: 'clientId' })),
    field('Event type', select('eventType', [['', 'Any'], ['connect'], ['disconnect'], ['tcpclean']])),
    field('Topic', h('input', { name: 'topic' }), 'Empty: the rule’s own topic.'),
    h('div', { class: 'actions' }, h('button', { class: 'primary' }, 'Replay')),
  );

  async function submit(event) {
    event.preventDefault();
    clearFieldErrors(form);
    const value = (name) => form.elements.namedItem(name).value.trim();
    const body = {
      from: isoFromLocal(value('from')),
      to: isoFromLocal(value('to')),
      ...(value('clientId') && { clientId: value('clientId') }),
      ...(value('eventType') && { eventType: value('eventType') }),
      ...(value('topic') && { topic: value('topic') }),
    };
    try {
      const answer = await api('POST', `/rules/${path(ruleId)}/replay`, body);
      flash(`Replay ${answer.replayId} started: ${plural(answer.notifications, 'notification')}.`);
    } catch (error) {
      if (!(error instanceof ApiProblem)) throw error;
      if (showFieldErrors(form, error.problem).length > 0 || !error.problem.errors)
        flash(error.message, 'error');
    }
  }

  return {
    element: section(
      'replay-title',
      'Replay',
      h('p', { class: 'meta' }, 'Sends the notifications whose events happened in this range again.'),
      form,
    ),
  };
}

import { api, path, query } from '../lib/api.js';
import { flash, flashError, h, messageOf, section, table } from '../lib/dom.js';
import { dateTime } from '../lib/format.js';
import { poll } from '../lib/poll.js';

const REFRESH_MS = 5_000;

/** Notifications given up on after the last attempt; an admin may redrive each (send it again). */
export function deadLetters(ruleId, session) {
  const result = h('div');

  async function load() {
    try {
      const answer = await api('GET', `/dead-letters${query({ ruleId, limit: 100 })}`);
      result.replaceChildren(
        h('p', { class: 'count' }, `${answer.total} dead letters`),
        table(
          'Dead letters',
          ['Dead-lettered at', 'Client ID', 'Seq', 'Event', 'Attempts', 'Error', 'Redrive'],
          answer.items.map((letter) => [
            dateTime(letter.deadLetteredAt),
            letter.clientId,
            String(letter.seq),
            letter.eventType,
            String(letter.attempts),
            letter.error,
            letter.redrive
              ? `Requested ${dateTime(letter.redrive.requestedAt)}`
              : session.role === 'admin'
                ? h('button', { type: 'button', onclick: () => redrive(letter) }, 'Redrive')
                : '',
          ]),
        ),
      );
    } catch (error) {
      result.replaceChildren(h('p', { class: 'meta' }, `Dead letters unavailable: ${messageOf(error)}`));
    }
  }

  async function redrive(letter) {
    try {
      const answer = await api('POST', `/dead-letters/${path(letter.deadLetterId)}/redrive`);
      flash(`Redrive ${answer.redriveId} of ${letter.clientId} seq ${letter.seq} requested.`);
      await load();
    } catch (error) {
      flashError(error);
    }
  }

  return {
    element: section('dead-title', 'Dead letters', result),
    stop: poll(REFRESH_MS, load),
  };
}

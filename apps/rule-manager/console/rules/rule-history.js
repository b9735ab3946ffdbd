import { api, path } from '../lib/api.js';
import { h } from '../lib/dom.js';
import { dateTime } from '../lib/format.js';

/** "RuleDisabled" → "Rule disabled". */
const eventName = (type) =>
  type.replace(/(?<=[a-z])([A-Z])/g, ' $1').replace(/ (\w)/g, (_, c) => ` ${c.toLowerCase()}`);

const show = (value) => (typeof value === 'object' ? JSON.stringify(value) : String(value));

/** What an event changed, field by field: before → after. */
function changes(entry) {
  const fields = Object.entries(entry.changes ?? {});
  if (fields.length === 0) return null;
  return h(
    'dl',
    { class: 'changes' },
    fields.map(([name, { before, after }]) => [
      h('dt', {}, name),
      h(
        'dd',
        {},
        before !== undefined && h('del', {}, show(before)),
        before !== undefined && after !== undefined && ' → ',
        after !== undefined && h('ins', {}, show(after)),
      ),
    ]),
  );
}

/** The rule's history as a timeline, newest first: what happened, when, by whom, and what changed. */
export async function ruleHistoryPage(main, session, ruleId) {
  const history = await api('GET', `/rules/${path(ruleId)}/history`);
  main.replaceChildren(
    h(
      'div',
      { class: 'page-head' },
      h('h1', {}, `History of rule ${ruleId}`),
      h('a', { href: '#/rules' }, 'Back to rules'),
    ),
    h(
      'ol',
      { class: 'timeline', reversed: true },
      [...history.items]
        .reverse()
        .map((entry) =>
          h(
            'li',
            {},
            h('h2', {}, eventName(entry.type)),
            h(
              'p',
              { class: 'meta' },
              h('time', { datetime: entry.occurredAt }, dateTime(entry.occurredAt)),
              ` by ${entry.actor ?? 'unknown'} · version ${entry.version}`,
              entry.correlationId && ` · correlation ${entry.correlationId}`,
            ),
            changes(entry),
          ),
        ),
    ),
  );
}

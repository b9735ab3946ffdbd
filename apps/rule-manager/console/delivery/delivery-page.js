import { api, path } from '../lib/api.js';
import { field, h, select } from '../lib/dom.js';
import { counters } from './counters.js';
import { deadLetters } from './dead-letters.js';
import { notificationLog } from './notification-log.js';
import { replayForm } from './replay-form.js';

/** Delivery of one rule: counters with the per-minute chart and the lag, the notification log, dead letters, replay. */
export async function deliveryPage(main, session, ruleId) {
  const { items: rules } = await api('GET', '/rules?pageSize=100');
  const choice = select('ruleId', [['', 'Choose a rule'], ...rules.map((r) => [r.ruleId])], ruleId);
  choice.addEventListener('change', () => (location.hash = `#/delivery/${path(choice.value)}`));
  const head = [
    h('h1', {}, ruleId ? `Delivery of rule ${ruleId}` : 'Delivery'),
    h('form', { class: 'inline-form', onsubmit: (e) => e.preventDefault() }, field('Rule', choice)),
  ];
  if (!ruleId) {
    main.replaceChildren(...head, h('p', {}, 'Choose a rule to see what it forwarded.'));
    return undefined;
  }
  const parts = [
    counters(ruleId),
    notificationLog(ruleId),
    deadLetters(ruleId, session),
    session.role === 'admin' ? replayForm(ruleId) : undefined,
  ].filter(Boolean);
  main.replaceChildren(...head, ...parts.map((part) => part.element));
  return () => parts.forEach((part) => part.stop?.());
}

import { api, query } from '../lib/api.js';
import { field, h, select, table } from '../lib/dom.js';
import { dateTime, statusLabel } from '../lib/format.js';
import { ruleActions } from './rule-actions.js';

/** Every rule (at most MAX_RULES_PER_INSTANCE, 100 by default), page by page. */
async function allRules(filters) {
  const rules = [];
  for (let page = 1; ; page++) {
    const answer = await api('GET', `/rules${query({ ...filters, page, pageSize: 100 })}`);
    rules.push(...answer.items);
    if (rules.length >= answer.total || answer.items.length === 0) return rules;
  }
}

const contains = (text, part) => !part || (text ?? '').toLowerCase().includes(part.toLowerCase());

/** The Rules page: the list with its filters, Create Rule, and per rule Edit / History / Delivery / More. */
export async function rulesPage(main, session) {
  const [groups, instances] = await Promise.all([api('GET', '/groups'), api('GET', '/rocketmq-instances')]);
  const inputs = {
    ruleId: h('input', { name: 'ruleId', type: 'search' }),
    description: h('input', { name: 'description', type: 'search' }),
    status: select('status', [
      ['', 'Any'],
      ['ENABLED', 'Enabled'],
      ['DISABLED', 'Disabled'],
    ]),
    groupId: select('groupId', [['', 'Any'], ...groups.items.map((g) => [g.groupId])]),
    instanceId: select('instanceId', [['', 'Any'], ...instances.items.map((i) => [i.instanceId])]),
    topic: h('input', { name: 'topic', type: 'search' }),
    updatedAfter: h('input', { name: 'updatedAfter', type: 'date' }),
  };
  const filters = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': 'Filter rules', onsubmit: (e) => e.preventDefault() },
    field('Rule ID', inputs.ruleId),
    field('Description', inputs.description),
    field('Status', inputs.status),
    field('Group ID', inputs.groupId),
    field('RocketMQ instance', inputs.instanceId),
    field('Topic', inputs.topic),
    field('Updated on or after', inputs.updatedAfter),
  );
  const list = h('div', { 'aria-live': 'polite' });
  main.replaceChildren(
    h(
      'div',
      { class: 'page-head' },
      h('h1', {}, 'Rules'),
      session.role === 'admin' && h('a', { class: 'button primary', href: '#/rules/new' }, 'Create Rule'),
    ),
    filters,
    list,
  );

  async function refresh() {
    // The API filters by group, status and instance; the rest is narrowed here.
    const rules = await allRules({
      groupId: inputs.groupId.value,
      status: inputs.status.value,
      instanceId: inputs.instanceId.value,
    });
    const after = inputs.updatedAfter.value ? new Date(`${inputs.updatedAfter.value}T00:00`) : undefined;
    const shown = rules.filter(
      (rule) =>
        contains(rule.ruleId, inputs.ruleId.value) &&
        contains(rule.description, inputs.description.value) &&
        contains(rule.target.topic, inputs.topic.value) &&
        (!after || new Date(rule.updatedAt) >= after),
    );
    list.replaceChildren(
      h('p', { class: 'count' }, `${shown.length} of ${rules.length} rules`),
      table(
        'Rules',
        [
          'Rule ID',
          'Description',
          'Status',
          'Group ID',
          'RocketMQ instance',
          'Topic',
          'Updated at',
          'Actions',
        ],
        shown.map((rule) => [
          h('strong', {}, rule.ruleId),
          rule.description ?? '',
          h('span', { class: `badge ${rule.status.toLowerCase()}` }, statusLabel(rule.status)),
          rule.source.groupId,
          rule.target.instanceId,
          rule.target.topic,
          h('time', { datetime: rule.updatedAt }, dateTime(rule.updatedAt)),
          ruleActions(rule, session, refresh),
        ]),
      ),
    );
  }

  filters.addEventListener('input', () => void refresh());
  await refresh();
}

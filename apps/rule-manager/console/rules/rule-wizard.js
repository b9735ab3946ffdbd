import { api, ApiProblem, path } from '../lib/api.js';
import { clearFieldErrors, field, flash, flashNext, h, select, showFieldErrors } from '../lib/dom.js';
import { RULE_TYPES } from '../lib/format.js';

/** The original console's three steps; each names the API fields it asks for. */
const STEPS = [
  { title: 'Configure Basic Information', fields: ['ruleId', 'description', 'status', 'ruleType'] },
  { title: 'Configure Rule Source', fields: ['source.groupId'] },
  {
    title: 'Configure Rule Destination',
    fields: ['target.serviceType', 'target.instanceId', 'target.topic'],
  },
];

/** The rule body from the form, with the fields of the steps up to `last` only. */
function ruleBody(form, last = STEPS.length - 1) {
  const value = (name) => form.elements.namedItem(name).value;
  return {
    ruleId: value('ruleId'),
    ...(value('description') !== '' && { description: value('description') }),
    status: value('status'),
    ruleType: value('ruleType'),
    ...(last >= 1 && { source: { groupId: value('source.groupId') } }),
    ...(last >= 2 && {
      target: {
        serviceType: value('target.serviceType'),
        instanceId: value('target.instanceId'),
        topic: value('target.topic'),
      },
    }),
  };
}

/**
 * Create Rule (no `ruleId`) or Edit (the rule ID shown, not editable; Save on the last step). Each Next asks the
 * API itself to check the step's fields: it checks every field of a body before deciding anything and writes
 * nothing on a 400, so a body without the later steps' parts gets back this step's errors (and the missing parts).
 */
export async function ruleWizardPage(main, session, ruleId) {
  const editing = ruleId !== undefined;
  const [rule, groups, instances] = await Promise.all([
    editing ? api('GET', `/rules/${path(ruleId)}`) : undefined,
    api('GET', '/groups'),
    api('GET', '/rocketmq-instances'),
  ]);
  const steps = [
    [
      field(
        'Rule ID',
        h('input', { name: 'ruleId', maxlength: 64, value: rule?.ruleId, readonly: editing, required: true }),
        editing
          ? 'The rule ID never changes.'
          : '3–64 of A-Z a-z 0-9 - _, with a letter or digit; longer input is cut to 64.',
      ),
      field(
        'Description',
        h('textarea', { name: 'description', maxlength: 256, rows: 2 }, rule?.description),
      ),
      field(
        'Status',
        select(
          'status',
          [
            ['ENABLED', 'Enable'],
            ['DISABLED', 'Disable'],
          ],
          rule?.status,
        ),
      ),
      field('Rule Type', select('ruleType', RULE_TYPES, rule?.ruleType ?? 'CLIENT_STATUS_NOTIFY')),
    ],
    [
      field(
        'Group ID',
        select(
          'source.groupId',
          [['', 'Choose a group'], ...groups.items.map((g) => [g.groupId])],
          rule?.source.groupId,
        ),
        'The devices whose connect / disconnect / tcpclean are forwarded.',
      ),
    ],
    [
      field('Destination Service Type', select('target.serviceType', [['ROCKETMQ', 'RocketMQ']])),
      field(
        'RocketMQ Instance',
        select(
          'target.instanceId',
          [
            ['', 'Choose an instance'],
            ...instances.items.map((i) => [i.instanceId, `${i.instanceId} (${i.region})`]),
          ],
          rule?.target.instanceId,
        ),
      ),
      field(
        'Topic',
        h('input', { name: 'target.topic', value: rule?.target.topic, required: true }),
        'An existing topic on that instance.',
      ),
    ],
  ];
  const fieldsets = steps.map((fields, i) =>
    h('fieldset', { hidden: i > 0 }, h('legend', {}, `Step ${i + 1}: ${STEPS[i].title}`), fields),
  );
  const markers = STEPS.map((step, i) =>
    h('li', { 'aria-current': i === 0 ? 'step' : undefined }, step.title),
  );
  const back = h('button', { type: 'button', onclick: () => show(current - 1) }, 'Previous');
  const next = h('button', { class: 'primary' }, 'Next');
  const form = h(
    'form',
    { class: 'card wizard', novalidate: true, onsubmit: submit },
    h('ol', { class: 'steps' }, markers),
    fieldsets,
    h('div', { class: 'actions' }, h('a', { class: 'button', href: '#/rules' }, 'Cancel'), back, next),
  );
  main.replaceChildren(h('h1', {}, editing ? `Edit Rule ${ruleId}` : 'Create Rule'), form);
  let current = 0;
  show(0);

  function show(step) {
    current = step;
    fieldsets.forEach((set, i) => (set.hidden = i !== step));
    markers.forEach((marker, i) => marker.toggleAttribute('aria-current', i === step));
    markers[step].setAttribute('aria-current', 'step');
    back.hidden = step === 0;
    next.textContent = step < STEPS.length - 1 ? 'Next' : editing ? 'Save' : 'Create';
    fieldsets[step].querySelector('input:not([readonly]), select, textarea')?.focus();
  }

  /** The step's own errors from the API, shown beside their fields; true when there are none. */
  async function checkStep(step) {
    const problem = await api('POST', '/rules', ruleBody(form, step)).catch((error) => error.problem);
    const mine = (problem?.errors ?? []).filter((error) => STEPS[step].fields.includes(error.field));
    showFieldErrors(form, { errors: mine });
    return mine.length === 0;
  }

  async function submit(event) {
    event.preventDefault();
    next.disabled = true;
    try {
      if (current < STEPS.length - 1) {
        if (await checkStep(current)) show(current + 1);
        return;
      }
      await save();
    } finally {
      next.disabled = false;
    }
  }

  async function save() {
    clearFieldErrors(form);
    try {
      const saved = editing
        ? await api('PUT', `/rules/${path(ruleId)}`, ruleBody(form), { 'if-match': `"${rule.version}"` })
        : await api('POST', '/rules', ruleBody(form));
      flashNext(
        [`Rule ${saved.ruleId} ${editing ? 'saved' : 'created'}.`, ...(saved.warnings ?? [])].join(' '),
      );
      location.hash = '#/rules';
    } catch (error) {
      if (!(error instanceof ApiProblem)) throw error;
      const unplaced = showFieldErrors(form, error.problem);
      const step = STEPS.findIndex((s) => error.problem.errors?.some((e) => s.fields.includes(e.field)));
      if (step >= 0) show(step);
      if (step < 0 || unplaced.length > 0) flash(error.message, 'error');
    }
  }
}

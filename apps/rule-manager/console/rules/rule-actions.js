import { api, path } from '../lib/api.js';
import { confirmDialog } from '../lib/dialog.js';
import { flash, flashError, h } from '../lib/dom.js';

const link = (href, text, label) => h('a', { href, 'aria-label': label }, text);

/** A row's actions: Edit, History, Delivery, and More → Enable / Disable / Delete, each confirmed in a dialog. */
export function ruleActions(rule, session, changed) {
  const id = path(rule.ruleId);
  const reads = [
    link(`#/rules/${id}/history`, 'History', `History of ${rule.ruleId}`),
    link(`#/delivery/${id}`, 'Delivery', `Delivery of ${rule.ruleId}`),
  ];
  if (session.role !== 'admin') return h('div', { class: 'row-actions' }, reads);

  const act = async ({ verb, confirm, danger = false, call, done }) => {
    more.open = false;
    const confirmed = await confirmDialog({
      title: `${verb} rule ${rule.ruleId}?`,
      message: confirm,
      confirm: verb,
      danger,
    });
    if (!confirmed) return;
    try {
      await call();
      flash(done);
      await changed();
    } catch (error) {
      flashError(error);
    }
  };
  // The operator confirmed what the row showed: a rule changed meanwhile gets 412 and stays as it is.
  const ifMatch = { 'if-match': `"${rule.version}"` };
  const enabled = rule.status === 'ENABLED';
  const more = h(
    'details',
    { class: 'menu' },
    h('summary', { 'aria-label': `More actions for ${rule.ruleId}` }, 'More'),
    h(
      'div',
      { class: 'menu-items' },
      h(
        'button',
        {
          type: 'button',
          onclick: () =>
            act(
              enabled
                ? {
                    verb: 'Disable',
                    confirm: 'It forwards nothing while disabled; events meanwhile are not forwarded later.',
                    call: () => api('POST', `/rules/${id}/disable`, undefined, ifMatch),
                    done: `Rule ${rule.ruleId} disabled.`,
                  }
                : {
                    verb: 'Enable',
                    confirm: 'Client status events of its group will be forwarded again from now on.',
                    call: () => api('POST', `/rules/${id}/enable`, undefined, ifMatch),
                    done: `Rule ${rule.ruleId} enabled.`,
                  },
            ),
        },
        enabled ? 'Disable' : 'Enable',
      ),
      h(
        'button',
        {
          type: 'button',
          class: 'danger',
          onclick: () =>
            act({
              verb: 'Delete',
              confirm: 'The rule stops forwarding and its ID may be used again. Its history stays.',
              danger: true,
              call: () => api('DELETE', `/rules/${id}`, undefined, ifMatch),
              done: `Rule ${rule.ruleId} deleted.`,
            }),
        },
        'Delete',
      ),
    ),
  );
  // Escape closes the menu and gives the focus back to its button, as a menu button does.
  more.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape' || !more.open) return;
    more.open = false;
    more.querySelector('summary').focus();
  });
  return h(
    'div',
    { class: 'row-actions' },
    link(`#/rules/${id}/edit`, 'Edit', `Edit ${rule.ruleId}`),
    reads,
    more,
  );
}

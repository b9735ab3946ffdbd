import { api, ApiProblem, path } from './api.js';
import { confirmDialog } from './dialog.js';
import { clearFieldErrors, flash, flashError, h, showFieldErrors, table } from './dom.js';

/**
 * A registered resource's page (groups, RocketMQ instances): its list, and for admins a form to register or edit
 * one and a Delete with confirmation. The API's field errors show beside the form's fields.
 *
 * `spec`: { title, noun, collection (API path), key (ID field), columns, cells(item), fields(item?), body(form, item?) }
 */
export async function resourcePage(main, session, spec) {
  const admin = session.role === 'admin';
  const list = h('div');
  const formSlot = h('div');
  main.replaceChildren(h('h1', {}, spec.title), formSlot, list);

  async function refresh() {
    const { items } = await api('GET', spec.collection);
    list.replaceChildren(
      table(
        spec.title,
        [...spec.columns, ...(admin ? ['Actions'] : [])],
        items.map((item) => [...spec.cells(item), ...(admin ? [actions(item)] : [])]),
      ),
    );
  }

  function actions(item) {
    const id = item[spec.key];
    return h(
      'div',
      { class: 'row-actions' },
      h('button', { type: 'button', onclick: () => showForm(item), 'aria-label': `Edit ${id}` }, 'Edit'),
      h(
        'button',
        { type: 'button', class: 'danger', onclick: () => remove(id), 'aria-label': `Delete ${id}` },
        'Delete',
      ),
    );
  }

  async function remove(id) {
    const confirmed = await confirmDialog({
      title: `Delete ${spec.noun} ${id}?`,
      message: 'The API refuses while a rule uses it.',
      confirm: 'Delete',
      danger: true,
    });
    if (!confirmed) return;
    try {
      await api('DELETE', `${spec.collection}/${path(id)}`);
      flash(`${spec.noun} ${id} deleted.`);
      await refresh();
    } catch (error) {
      flashError(error);
    }
  }

  /** The register form, or the edit form of `item` (its ID read-only). */
  function showForm(item) {
    const form = h(
      'form',
      {
        class: 'inline-form',
        novalidate: true,
        'aria-label': item ? `Edit ${item[spec.key]}` : `Register a ${spec.noun}`,
      },
      spec.fields(item),
      h(
        'div',
        { class: 'actions' },
        h('button', { class: 'primary' }, item ? 'Save' : `Register ${spec.noun}`),
        item && h('button', { type: 'button', onclick: () => showForm() }, 'Cancel'),
      ),
    );
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      clearFieldErrors(form);
      try {
        const id = item?.[spec.key];
        const body = spec.body(form, item);
        if (item) await api('PUT', `${spec.collection}/${path(id)}`, body);
        else await api('POST', spec.collection, body);
        flash(`${spec.noun} ${id ?? body[spec.key]} ${item ? 'saved' : 'registered'}.`);
        showForm();
        await refresh();
      } catch (error) {
        if (!(error instanceof ApiProblem)) throw error;
        if (showFieldErrors(form, error.problem).length > 0 || !error.problem.errors)
          flash(error.message, 'error');
      }
    });
    formSlot.replaceChildren(form);
    if (item) form.querySelector('input:not([readonly])')?.focus();
  }

  if (admin) showForm();
  await refresh();
}

// Small DOM helpers: elements are built, never parsed from strings, so API data can't inject markup.

/** `h('button', { class: 'x', onclick }, 'text', child)`: attributes, listeners (`on…`), children. */
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  element.append(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false));
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) element.addEventListener(key.slice(2), value);
    else if (key === 'value') element.value = value;
    else element.setAttribute(key, value === true ? '' : String(value));
  }
  return element;
}

/** A titled section of a page, named by its heading for assistive technology. */
export function section(id, title, ...children) {
  return h('section', { 'aria-labelledby': id }, h('h2', { id }, title), ...children);
}

/** A failed call's message shown as an error above the page. */
export const flashError = (error) => flash(messageOf(error), 'error');

export const messageOf = (error) => (error instanceof Error ? error.message : String(error));

let fieldCount = 0;

/**
 * A labelled input with a place for its error. `name` is the API's field name (`target.topic`), so a problem's
 * `errors[].field` finds the input it is about.
 */
export function field(label, control, hint) {
  const id = `f${++fieldCount}`;
  control.id = id;
  const error = h('p', { class: 'error', id: `${id}-error` });
  control.setAttribute('aria-describedby', `${id}-error${hint ? ` ${id}-hint` : ''}`);
  return h(
    'div',
    { class: 'field', 'data-field': control.name },
    h('label', { for: id }, label),
    control,
    hint && h('p', { class: 'hint', id: `${id}-hint` }, hint),
    error,
  );
}

export const select = (name, options, value) =>
  h(
    'select',
    { name },
    options.map(([optionValue, text]) =>
      h('option', { value: optionValue, selected: optionValue === value }, text ?? optionValue),
    ),
  );

/** Shows a problem's field errors next to their inputs; returns the fields it could not place. */
export function showFieldErrors(form, problem) {
  clearFieldErrors(form);
  const unplaced = [];
  for (const error of problem?.errors ?? []) {
    const wrapper = form.querySelector(`[data-field="${CSS.escape(error.field)}"]`);
    if (!wrapper) {
      unplaced.push(error);
      continue;
    }
    wrapper.querySelector('.error').textContent = error.message;
    wrapper.querySelector('input, select, textarea')?.setAttribute('aria-invalid', 'true');
  }
  return unplaced;
}

export function clearFieldErrors(form) {
  for (const error of form.querySelectorAll('.field .error')) error.textContent = '';
  for (const input of form.querySelectorAll('[aria-invalid]')) input.removeAttribute('aria-invalid');
}

/** A message for everyone (role=status) or an error (role=alert) above the page. */
export function flash(message, kind = 'info') {
  const region = document.getElementById('flash');
  region.replaceChildren(
    h('p', { class: `note ${kind}`, role: kind === 'error' ? 'alert' : undefined }, message),
  );
}

let pending;

/** A message for the next page, e.g. "created" after the wizard went back to the list. */
export function flashNext(message) {
  pending = message;
}

/** Clears the messages of the last page (showing the one left for this page, if any). */
export function clearFlash() {
  document.getElementById('flash').replaceChildren();
  if (pending) flash(pending);
  pending = undefined;
}

/** A table whose cells carry their column's name, so it can fold into cards on a phone. */
export function table(caption, columns, rows) {
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      {},
      h('caption', { class: 'visually-hidden' }, caption),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          columns.map((column) => h('th', { scope: 'col' }, column)),
        ),
      ),
      h(
        'tbody',
        {},
        rows.length === 0
          ? h('tr', {}, h('td', { colspan: columns.length, class: 'empty' }, 'Nothing to show.'))
          : rows.map((cells) =>
              h(
                'tr',
                {},
                cells.map((cell, i) => h('td', { 'data-label': columns[i] }, cell)),
              ),
            ),
      ),
    ),
  );
}

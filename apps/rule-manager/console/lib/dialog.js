import { h } from './dom.js';

/** A modal `<dialog>` asking to confirm; resolves true on the confirm button, false on Cancel or Escape. */
export function confirmDialog({ title, message, confirm, danger = false }) {
  const dialog = h(
    'dialog',
    { 'aria-labelledby': 'confirm-title' },
    h(
      'form',
      { method: 'dialog' },
      h('h2', { id: 'confirm-title' }, title),
      h('p', {}, message),
      h(
        'div',
        { class: 'actions' },
        h('button', { value: 'cancel', autofocus: true }, 'Cancel'),
        h('button', { value: 'confirm', class: danger ? 'danger' : 'primary' }, confirm),
      ),
    ),
  );
  document.body.append(dialog);
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(dialog.returnValue === 'confirm');
    });
    dialog.showModal();
  });
}

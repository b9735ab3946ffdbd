import { api, ApiProblem, token } from '../lib/api.js';
import { field, h } from '../lib/dom.js';

/** Sign in with an API token; it is kept in this tab's sessionStorage only and sent as a bearer token. */
export function signInPage(main, signedIn) {
  const input = h('input', { name: 'token', type: 'password', autocomplete: 'off', required: true });
  const error = h('p', { class: 'error', role: 'alert' });
  const form = h(
    'form',
    { class: 'card sign-in', onsubmit: submit },
    h('h1', {}, 'Sign in'),
    h('p', {}, 'Paste an API token (API_TOKENS, or data/api-tokens on a single host).'),
    field('API token', input),
    error,
    h('button', { class: 'primary' }, 'Sign in'),
  );
  main.replaceChildren(form);
  input.focus();

  async function submit(event) {
    event.preventDefault();
    token.set(input.value.trim());
    try {
      signedIn(await api('GET', '/session'));
    } catch (problem) {
      token.clear();
      error.textContent =
        problem instanceof ApiProblem && problem.status === 401
          ? 'This token is not valid.'
          : `Could not sign in: ${problem.message}`;
    }
  }
}

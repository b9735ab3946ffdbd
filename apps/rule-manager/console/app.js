// The console's shell: sign-in state, navigation and a hash router. Each page renders into <main> and may
// return a function that stops what it started (polling) when the operator leaves.
import { api, token } from './lib/api.js';
import { clearFlash, h } from './lib/dom.js';
import { clientsPage } from './clients/clients-page.js';
import { deliveryPage } from './delivery/delivery-page.js';
import { groupsPage } from './groups/groups-page.js';
import { instancesPage } from './instances/instances-page.js';
import { overviewPage } from './overview/overview-page.js';
import { ruleHistoryPage } from './rules/rule-history.js';
import { ruleWizardPage } from './rules/rule-wizard.js';
import { rulesPage } from './rules/rules-page.js';
import { signInPage } from './sign-in/sign-in.js';

/** @type {[RegExp, Function, string][]} [pattern, page, title] */
const ROUTES = [
  [/^#\/overview$/, overviewPage, 'Overview'],
  [/^#\/rules$/, rulesPage, 'Rules'],
  [/^#\/rules\/new$/, (main, session) => ruleWizardPage(main, session), 'Create Rule'],
  [/^#\/rules\/([^/]+)\/edit$/, (main, session, id) => ruleWizardPage(main, session, id), 'Edit Rule'],
  [/^#\/rules\/([^/]+)\/history$/, ruleHistoryPage, 'Rule history'],
  [/^#\/groups$/, groupsPage, 'Groups'],
  [/^#\/instances$/, instancesPage, 'RocketMQ instances'],
  [/^#\/clients(?:\/([^/]+))?$/, clientsPage, 'Clients'],
  [/^#\/delivery(?:\/([^/]+))?$/, deliveryPage, 'Delivery'],
];

const stayPut = () => undefined;
let session; // { name, role } of the signed-in token
let leave = stayPut;
let navigation = 0; // which route() is the current one

async function route() {
  const mine = ++navigation;
  leave();
  leave = stayPut;
  clearFlash();
  const main = document.getElementById('main');
  if (!session && token.get()) session = await api('GET', '/session').catch(() => undefined);
  if (mine !== navigation) return;
  if (!session) {
    showSignedIn(undefined);
    signInPage(main, (signedIn) => {
      session = signedIn;
      if (location.hash === '#/overview') void route();
      else location.hash = '#/overview'; // hashchange routes
    });
    return;
  }
  showSignedIn(session);
  const [pattern, page, title] = ROUTES.find(([pattern]) => pattern.test(location.hash)) ?? [];
  if (!page) {
    location.replace('#/overview');
    return;
  }
  const params = pattern
    .exec(location.hash)
    .slice(1)
    .map((part) => part && decodeURIComponent(part));
  document.title = `${title} · mqtt-status-relay`;
  markCurrent();
  // Each visit renders into its own view: a page still loading when the operator moves on writes into a
  // detached view, never over the page that replaced it, and its polling is stopped as soon as it returns.
  const view = h('div', { class: 'view' });
  main.replaceChildren(view);
  const stop = (await page(view, session, ...params)) ?? stayPut;
  if (mine === navigation) leave = stop;
  else stop();
}

function showSignedIn(who) {
  document.getElementById('nav').hidden = !who;
  const box = document.getElementById('who');
  if (!who) return box.replaceChildren();
  const signOut = () => {
    token.clear();
    session = undefined;
    location.hash = '#/sign-in';
  };
  box.replaceChildren(
    h('span', {}, `${who.name} (${who.role})`),
    h('button', { type: 'button', class: 'link', onclick: signOut }, 'Sign out'),
  );
}

function markCurrent() {
  for (const link of document.querySelectorAll('#nav a')) {
    const current = location.hash.startsWith(link.getAttribute('href'));
    if (current) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

window.addEventListener('hashchange', () => void route());
void route();

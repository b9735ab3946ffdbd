import { api, path, query } from '../lib/api.js';
import { field, h, section, select, table } from '../lib/dom.js';
import { poll } from '../lib/poll.js';

const REFRESH_MS = 3_000;
const PAGE_SIZE = 20;

/** Per group: how many clients are online and which, a page at a time, refreshed every few seconds. */
export function groupClients(groupIds, initial) {
  const choice = select('groupId', [['', 'Choose a group'], ...groupIds.map((id) => [id])], initial);
  const result = h('div', { 'aria-live': 'polite' });
  let page = 1;
  let stop = () => undefined;
  choice.addEventListener('change', () => {
    page = 1;
    start();
  });
  start();

  function start() {
    stop();
    result.replaceChildren();
    if (choice.value) stop = poll(REFRESH_MS, show);
  }

  async function show() {
    const groupId = choice.value;
    const answer = await api(
      'GET',
      `/groups/${path(groupId)}/clients${query({ online: 'true', page, pageSize: PAGE_SIZE })}`,
    );
    const pages = Math.max(1, Math.ceil(answer.total / PAGE_SIZE));
    const turn = (to) => () => {
      page = to;
      void show();
    };
    result.replaceChildren(
      h('p', { class: 'online-count' }, h('strong', {}, String(answer.total)), ` online in ${groupId}`),
      table(
        `Online clients of ${groupId}`,
        ['Client ID', 'Channels', 'Client address'],
        answer.items.map((c) => [
          h('a', { href: `#/clients/${path(c.clientId)}` }, c.clientId),
          String(c.channels.length),
          c.channels.map((channel) => channel.clientIp).join(', '),
        ]),
      ),
      h(
        'div',
        { class: 'actions', hidden: pages <= 1 },
        h('button', { type: 'button', disabled: page <= 1, onclick: turn(page - 1) }, 'Previous page'),
        h('span', {}, `Page ${page} of ${pages}`),
        h('button', { type: 'button', disabled: page >= pages, onclick: turn(page + 1) }, 'Next page'),
      ),
    );
  }

  return {
    element: section(
      'group-title',
      'Online clients per group',
      h('form', { class: 'inline-form', onsubmit: (e) => e.preventDefault() }, field('Group ID', choice)),
      result,
    ),
    stop: () => stop(),
  };
}

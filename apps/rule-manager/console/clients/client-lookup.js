import { api, path } from '../lib/api.js';
import { confirmDialog } from '../lib/dialog.js';
import { field, flash, flashError, h, messageOf, section, table } from '../lib/dom.js';
import { dateTime } from '../lib/format.js';
import { poll } from '../lib/poll.js';

const REFRESH_MS = 3_000;

/** Search by client ID: online status with its open channels, the trace, and Close connection (admins). */
export function clientLookup(session, initial) {
  const input = h('input', {
    name: 'clientId',
    type: 'search',
    value: initial,
    placeholder: 'GID_fleet@@@van-1',
  });
  const error = h('p', { class: 'error' });
  const result = h('div', { 'aria-live': 'polite' });
  const form = h(
    'form',
    { class: 'inline-form', role: 'search', onsubmit: search },
    Object.assign(field('Client ID', input), { className: 'field wide' }),
    h('div', { class: 'actions' }, h('button', { class: 'primary' }, 'Search')),
  );
  let stop = () => undefined;
  if (initial) start(initial);

  function search(event) {
    event.preventDefault();
    start(input.value.trim());
  }

  function start(clientId) {
    stop();
    stop = poll(REFRESH_MS, () => show(clientId));
  }

  async function show(clientId) {
    try {
      const [status, trace] = await Promise.all([
        api('GET', `/clients/${path(clientId)}/status`),
        api('GET', `/clients/${path(clientId)}/trace`),
      ]);
      error.textContent = '';
      result.replaceChildren(...render(status, trace).filter(Boolean));
    } catch (problem) {
      stop();
      error.textContent = messageOf(problem);
      result.replaceChildren();
    }
  }

  function render(status, trace) {
    const online = status.online;
    return [
      h(
        'div',
        { class: 'page-head' },
        h(
          'h2',
          {},
          `${status.clientId} `,
          h('span', { class: `badge ${online ? 'online' : 'offline'}` }, online ? 'Online' : 'Offline'),
        ),
        online &&
          session.role === 'admin' &&
          h(
            'button',
            { type: 'button', class: 'danger', onclick: () => close(status.clientId) },
            'Close connection',
          ),
      ),
      status.lastEvent &&
        h(
          'p',
          { class: 'meta' },
          `Last event: ${status.lastEvent.eventType} (${status.lastEvent.reason}), seq ${status.lastEvent.seq}, ${dateTime(status.lastEvent.time)}`,
        ),
      h('h3', {}, 'Open channels'),
      table(
        'Open channels',
        ['Channel ID', 'Client address', 'Connected at'],
        status.channels.map((c) => [
          h('span', { class: 'mono' }, c.channelId),
          c.clientIp,
          dateTime(c.connectedAt),
        ]),
      ),
      h('h3', {}, 'Trace'),
      table(
        'Trace',
        ['Time', 'Action', 'Reason', 'Channel ID', 'Seq'],
        [...trace.items]
          .reverse()
          .map((e) => [
            dateTime(e.time),
            e.action,
            `${e.reason}${e.refused ? ' (refused)' : ''}${e.inferred ? ' (inferred)' : ''}`,
            h('span', { class: 'mono' }, e.channelId ?? ''),
            e.seq ?? '',
          ]),
      ),
    ];
  }

  async function close(clientId) {
    const confirmed = await confirmDialog({
      title: `Close the connection of ${clientId}?`,
      message:
        'The broker closes its TCP connection (tcpclean, reason "closed by server"). The client may reconnect.',
      confirm: 'Close connection',
      danger: true,
    });
    if (!confirmed) return;
    try {
      await api('POST', `/clients/${path(clientId)}/close`);
      flash(`Connection of ${clientId} closed.`);
      await show(clientId);
    } catch (problem) {
      flashError(problem);
    }
  }

  return {
    element: section('lookup-title', 'Find a client', form, error, result),
    stop: () => stop(),
  };
}

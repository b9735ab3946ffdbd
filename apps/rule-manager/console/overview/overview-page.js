import { api, path } from '../lib/api.js';
import { h, messageOf, section, table } from '../lib/dom.js';
import { poll } from '../lib/poll.js';

const REFRESH_MS = 3_000;

const stat = (key, name, value) =>
  h('div', { 'data-stat': key }, h('dt', {}, name), h('dd', {}, String(value)));

const ms = (value) => (value === null ? '–' : `${value.toFixed(1)} ms`);

const lastMinutes = (perMinute, minutes) =>
  perMinute.slice(-minutes).reduce(
    (sum, m) => ({
      connects: sum.connects + m.connects,
      closes: sum.closes + m.closes,
      refusals: sum.refusals + m.refusals,
    }),
    { connects: 0, closes: 0, refusals: 0 },
  );

function clientsTile(overview) {
  const { online, groupsOnline, topGroups } = overview.clients;
  const recent = lastMinutes(overview.presence.perMinute, 5);
  return section(
    'clients-title',
    'Clients',
    h(
      'dl',
      { class: 'stats' },
      stat('online', 'Online now', online),
      stat('groups', 'Groups online', groupsOnline),
      stat('connects', 'Connects, last 5 min', recent.connects),
      stat('closes', 'Closes, last 5 min', recent.closes),
      stat('refusals', 'Refused connects, last 5 min', recent.refusals),
    ),
    table(
      'Top groups by clients online',
      ['Group ID', 'Online'],
      topGroups.map((g) => [h('a', { href: `#/clients` }, g.groupId), String(g.online)]),
    ),
    perMinuteTable(overview.presence.perMinute),
  );
}

function perMinuteTable(perMinute) {
  const time = (iso) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return h(
    'details',
    {},
    h('summary', {}, 'Connects and closes per minute, last 30 minutes'),
    table(
      'Connects, closes and refusals per minute',
      ['Minute', 'Connects', 'Closes', 'Refused'],
      perMinute
        .slice()
        .reverse()
        .map((m) => [time(m.minute), String(m.connects), String(m.closes), String(m.refusals)]),
    ),
  );
}

function deliveryTile(overview) {
  const { delivery, dispatch } = overview;
  const lag = dispatch
    ? [
        stat('lag-events', 'Dispatch lag (events)', dispatch.lagEvents),
        stat('lag-seconds', 'Dispatch lag (s)', dispatch.lagSeconds.toFixed(1)),
        stat('send-p95', 'Send latency p95', ms(dispatch.sendLatency.p95Ms)),
        stat('delivery-p95', 'Event → acknowledged p95', ms(dispatch.deliveryLatency.p95Ms)),
      ]
    : [stat('dispatch', 'Dispatch', 'unreachable')];
  return section(
    'delivery-title',
    'Delivery',
    h(
      'dl',
      { class: 'stats' },
      stat('forwarded', 'Forwarded', delivery.forwarded),
      stat('pending', 'Pending', delivery.pending),
      stat('dead-letters', 'Dead letters', delivery.deadLettered),
      ...lag,
    ),
    delivery.rulesWithDeadLetters.length === 0
      ? h('p', { class: 'meta' }, 'No dead letters.')
      : h(
          'ul',
          {},
          delivery.rulesWithDeadLetters.map((r) =>
            h(
              'li',
              {},
              h(
                'a',
                { href: `#/delivery/${path(r.ruleId)}` },
                `${r.deadLettered} dead letters of ${r.ruleId}`,
              ),
            ),
          ),
        ),
  );
}

function appsTile(overview) {
  const uptime = (s) =>
    s === undefined ? '' : s < 3600 ? `${Math.floor(s / 60)} min` : `${(s / 3600).toFixed(1)} h`;
  return section(
    'apps-title',
    'Apps',
    table(
      'Health of each app',
      ['App', 'Status', 'Version', 'Up for'],
      overview.apps.map((a) => [
        a.app,
        h(
          'span',
          { class: a.status === 'ok' ? 'badge online' : 'badge offline', 'data-app': a.app },
          a.status,
        ),
        a.version ?? '',
        uptime(a.uptimeSeconds),
      ]),
    ),
  );
}

/** The landing page: clients online, connects and closes, delivery and dispatch lag, each app's health, live. */
export function overviewPage(main) {
  const body = h('div', { 'aria-live': 'polite' }, h('p', { class: 'meta' }, 'Loading…'));
  main.replaceChildren(h('h1', {}, 'Overview'), body);
  return poll(REFRESH_MS, async () => {
    try {
      const overview = await api('GET', '/overview');
      body.replaceChildren(
        clientsTile(overview),
        deliveryTile(overview),
        appsTile(overview),
        h('p', { class: 'meta' }, `Updated ${new Date(overview.at).toLocaleTimeString()}`),
      );
    } catch (error) {
      body.replaceChildren(h('p', { class: 'meta' }, `Overview unavailable: ${messageOf(error)}`));
    }
  });
}
